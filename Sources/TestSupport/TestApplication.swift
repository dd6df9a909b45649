public import Foundation
import HTTPTypes
public import HummingbirdTesting
import Logging
public import MasteryServer
import NIOCore
public import Platform

/// An in-process `mastery serve` for a system's tests: the composition root with only the systems given, over a
/// throwaway data folder, on port 0. Run requests with HummingbirdTesting (`assembly.application.test(.router)`).
public enum TestApplication {
    /// Builds the application.
    /// - Parameters:
    ///   - flags: Configuration keys as on the command line (`"adminToken"`, `"ratelimit.store"`, …).
    ///   - systems: The systems to mount (a system's tests mount only it).
    /// - Returns: The assembly and its data folder.
    /// - Throws: A configuration or storage error.
    public static func make(
        flags: [String: String] = [:],
        systems: [any MasterySystem.Type]
    ) async throws -> (MasteryServer.Assembly, String) {
        var flags = flags
        flags["port"] = flags["port"] ?? "0"
        let (reader, configuration, _, logger) = try await TestConfiguration.make(flags: flags, label: "test")
        let server = MasteryServer(configuration: configuration, reader: reader, systems: systems, logger: logger)
        return (try await server.makeApplication(), configuration.dataDirectory)
    }
}

/// A body that is not the JSON object a test expected.
public struct UnexpectedBody: Error, CustomStringConvertible {
    /// What was wrong, with the body's start.
    public var description: String
}

/// The body of a response as a JSON object.
/// - Throws: ``UnexpectedBody`` when it is not one.
public func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(response.body.readableBytesView)
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw UnexpectedBody(
            description:
                "not a JSON object (HTTP \(response.status.code)): \(String(decoding: data.prefix(300), as: UTF8.self))"
        )
    }
    return object
}

/// The body of a problem+json response as a JSON object.
/// - Throws: ``UnexpectedBody`` when the content type is not `application/problem+json` or the body is no object.
public func problem(_ response: TestResponse) throws -> [String: Any] {
    guard response.headers[.contentType] == "application/problem+json" else {
        throw UnexpectedBody(
            description: "content type \(response.headers[.contentType] ?? "none"), not application/problem+json"
        )
    }
    return try jsonObject(response)
}
