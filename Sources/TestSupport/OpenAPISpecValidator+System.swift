import APIDocumentation
public import OpenAPIKit
public import Platform

extension OpenAPISpecValidator {
    /// Validates a system's document twice, as a system's test should: alone, under the system's API prefix (as
    /// it serves it at `<prefix>/openapi.json`), and merged as the server merges it into `GET /v1/openapi.json`
    /// (tagged with the system's name, operation IDs qualified with its slug).
    /// - Parameters:
    ///   - document: The system's document, paths relative to its prefix.
    ///   - descriptor: The system's descriptor (its slug, name and prefix).
    /// - Returns: The two results, alone first.
    /// - Throws: As ``validate(_:name:)``, or when the document cannot be prefixed or merged.
    public static func validate(
        _ document: OpenAPI.Document,
        of descriptor: SystemDescriptor
    ) async throws -> (alone: Result, merged: Result) {
        let alone = try await validate(
            try document.prefixed(with: descriptor.apiPath).jsonText(),
            name: "\(descriptor.slug).json"
        )
        let merged = try MountedAPI.merged(
            [MountedAPI(slug: descriptor.slug, name: descriptor.name, prefix: descriptor.apiPath, document: document)],
            info: OpenAPI.Document.Info(title: "Mastery API", version: "1.0.0")
        )
        return (alone, try await validate(try merged.jsonText(), name: "merged.json"))
    }
}
