import Foundation
public import Logging

/// Sets up swift-log for the `mastery` process (called once, by the executable; never by libraries or tests).
public enum LoggingBootstrap {
    /// Bootstraps the logging system: JSON lines when standard error is not a terminal (or when asked),
    /// text otherwise; the trace ID of the current span is added to every line.
    public static func bootstrap(level: Logger.Level, format: MasteryConfiguration.LogFormat) {
        let useJSON: Bool
        switch format {
        case .json: useJSON = true
        case .text: useJSON = false
        case .auto: useJSON = isatty(2) == 0
        }
        LoggingSystem.bootstrap(
            { label, provider in
                if useJSON {
                    return JSONLogHandler(label: label, level: level, metadataProvider: provider)
                }
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            },
            metadataProvider: TraceContextTracer.loggingMetadataProvider
        )
    }
}
