import Foundation
public import Logging

/// A swift-log handler that writes one JSON object per line: `ts`, `level`, `label`, `msg`, `source`, then the
/// metadata keys (`request.id`, `trace_id`, …).
///
/// Writes go to standard error with a single `write(2)` per line, so lines from concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    /// The logger label (`mastery`, `mastery.http`).
    public let label: String
    /// The minimum level written.
    public var logLevel: Logger.Level
    /// Metadata attached to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Extra metadata computed per line (for example the trace ID of the current span).
    public var metadataProvider: Logger.MetadataProvider?
    private let output: @Sendable (String) -> Void

    /// Creates a handler.
    /// - Parameters:
    ///   - label: The logger label.
    ///   - level: The minimum level.
    ///   - metadataProvider: Metadata computed per line.
    ///   - output: Where complete lines go (standard error by default; tests capture them).
    public init(
        label: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "{\"ts\":\(Self.quote(Self.timestamp()))"
        line += ",\"level\":\(Self.quote(event.level.rawValue))"
        line += ",\"label\":\(Self.quote(label))"
        line += ",\"msg\":\(Self.quote(event.message.description))"
        line += ",\"source\":\(Self.quote(event.source))"
        for key in merged.keys.sorted() {
            guard let value = merged[key] else { continue }
            line += ",\(Self.quote(key)):\(Self.encode(value))"
        }
        line += "}\n"
        output(line)
    }

    /// Writes a line to standard error in one system call.
    @Sendable public static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    static func encode(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): return quote(string)
        case .stringConvertible(let convertible): return quote(convertible.description)
        case .array(let array): return "[" + array.map(encode).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{"
                + dictionary.keys.sorted().map { quote($0) + ":" + encode(dictionary[$0]!) }.joined(separator: ",")
                + "}"
        }
    }

    /// A JSON string literal; control characters and invalid sequences are escaped, so hostile input cannot
    /// break a line or forge another one.
    static func quote(_ string: String) -> String {
        var result = "\""
        result.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func timestamp() -> String {
        let now = Date().timeIntervalSince1970
        let whole = now.rounded(.down)
        var seconds = time_t(whole)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour),
            Int(parts.tm_min),
            Int(parts.tm_sec),
            min(999, Int((now - whole) * 1000))
        )
    }
}
