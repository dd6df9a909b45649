import Configuration
import Foundation
import Logging
import Platform

/// The configuration a test builds a server or a system with: a fresh data folder in the temporary folder (unless
/// `flags` names one), `flags` as on the command line, no environment, and a logger that prints only critical lines.
enum TestConfiguration {
    static func make(
        flags: [String: String],
        label: String
    ) async throws -> (reader: ConfigReader, configuration: MasteryConfiguration, folder: URL, logger: Logger) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mastery-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var flags = flags
        flags["dataDir"] = flags["dataDir"] ?? folder.path
        let reader = try await ConfigurationSources.makeReader(commandLine: flags, environment: [:])
        let configuration = try MasteryConfiguration(reader: reader)
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return (reader, configuration, folder, logger)
    }
}
