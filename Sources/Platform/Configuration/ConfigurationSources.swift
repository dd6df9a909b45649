public import Configuration
public import Foundation
import SystemPackage

/// Builds the one ``ConfigReader`` every part of Mastery reads from, with a fixed precedence:
/// command-line flags, then `MASTERY_*` environment variables, then an optional JSON file.
public enum ConfigurationSources {
    /// Creates the reader.
    ///
    /// - Parameters:
    ///   - commandLine: Values given as flags, by file key (`["maxBodySize": "2048"]`).
    ///   - environment: The process environment; only `MASTERY_*` variables are read.
    ///   - configFile: A JSON file, from `--config` or `MASTERY_CONFIG`.
    /// - Throws: ``ConfigurationError`` when the file cannot be read or parsed.
    public static func makeReader(
        commandLine: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configFile: String? = nil
    ) async throws -> ConfigReader {
        var providers: [any ConfigProvider] = []
        let flagValues = Dictionary(
            uniqueKeysWithValues: commandLine.map { key, value in
                (AbsoluteConfigKey(ConfigKey(key)), ConfigValue(.string(value), isSecret: isSecretName(key)))
            }
        )
        providers.append(InMemoryProvider(name: "command line", values: flagValues))
        let prefixed = environment.compactMap { name, value -> (String, String)? in
            guard name.hasPrefix("MASTERY_"), name != "MASTERY_CONFIG" else { return nil }
            return (String(name.dropFirst("MASTERY_".count)), value)
        }
        providers.append(
            EnvironmentVariablesProvider(
                environmentVariables: Dictionary(prefixed, uniquingKeysWith: { first, _ in first }),
                secretsSpecifier: .dynamic { name, _ in isSecretName(name) }
            )
        )
        if let configFile = configFile ?? environment["MASTERY_CONFIG"] {
            guard FileManager.default.isReadableFile(atPath: configFile) else {
                throw ConfigurationError(
                    key: "config",
                    expected: "a readable JSON file",
                    reason: "cannot read \(configFile)"
                )
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
            } catch {
                throw ConfigurationError(
                    key: "config",
                    expected: "a JSON object of configuration keys",
                    reason: "\(configFile) is not valid JSON"
                )
            }
        }
        return ConfigReader(providers: providers)
    }

    /// Whether a key or variable name holds a secret: tokens, passwords and connection URLs (which may
    /// carry passwords).
    public static func isSecretName(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.contains("token") || lowered.contains("password") || lowered.contains("secret")
            || lowered.hasSuffix("url")
    }
}
