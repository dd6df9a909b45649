import Dashboard
import Foundation
public import Hummingbird
import Logging
import NIOPosix
public import OpenAPIKit
public import Platform

/// The progress tracker mounted in `mastery serve`: `GET /v1/progress`, the start/complete/skip verbs under
/// `/v1/progress/projects/{n}/…`, and the dashboard page `/systems/progress` (`/progress` redirects there).
///
/// The file is `progress.file` (`MASTERY_PROGRESS_FILE`; the server-wide `progressFile`, `--progress-file`, also
/// works); without it `./PROGRESS.md` when it
/// exists, else `<dataDir>/PROGRESS.md`, created from the template (Start Date today) on first start.
public struct ProgressSystem: MasterySystem {
    /// Row 00 of the roadmap.
    public static let descriptor: SystemDescriptor =
        SystemCatalog.descriptor(module: "ProgressTracking")
        ?? SystemDescriptor(
            number: 0,
            name: "Progress tracker",
            module: "ProgressTracking",
            slug: "progress",
            summary: "PROGRESS.md as a living document",
            anchors: ""
        )

    let controller: ProgressController

    /// Finds (or creates) the progress file, checks that it parses, and builds the routes.
    /// - Throws: ``ConfigurationError`` for `progressFile` when the configured file is missing or the file cannot
    ///   be understood (naming the line); a file-system error when the data folder's copy cannot be created.
    public init(context: SystemContext) async throws {
        let server = context.server
        let today = CalendarDate(Date(), timeZone: .current)
        // The system's own key, `progress.file` (`MASTERY_PROGRESS_FILE`); the server-wide spelling
        // `progressFile` (`--progress-file`) keeps working.
        let configured: String?
        do {
            configured =
                try context.configuration.validatedString("file", expected: "a file path", validate: { !$0.isEmpty })
                ?? server.progressFile
        } catch let error as ConfigurationError {
            throw ConfigurationError(key: "progress.file", expected: error.expected, reason: error.reason)
        }
        let path = try await NIOThreadPool.singleton.runIfActive {
            try Self.resolveFile(
                configured: configured,
                dataDirectory: server.dataDirectory,
                workingDirectory: FileManager.default.currentDirectoryPath,
                today: today
            )
        }
        context.logger.info("Progress file", metadata: ["progress.file": .string(path)])
        let credentials =
            try context.credentials
            ?? AdminCredentials.load(configured: server.adminToken, dataDirectory: server.dataDirectory)
        controller = ProgressController(
            store: ProgressFileStore(path: path),
            renderer: try DashboardRenderer(credentials: credentials, templates: ProgressController.templates),
            mountedModules: context.mountedModules,
            today: { CalendarDate(Date(), timeZone: .current) }
        )
    }

    /// ``ProgressOpenAPI/document``: the API under `/v1/progress`, paths relative to it.
    public var apiDocument: OpenAPI.Document? { ProgressOpenAPI.document }

    /// Adds `/v1/progress…`, the page `/systems/progress`, and `/progress` (a redirect to the page).
    public func addRoutes(to routes: SystemRoutes) {
        controller.addRoutes(to: routes)
    }

    /// The file to track: `configured` (which must exist), else `<workingDirectory>/PROGRESS.md` when it exists,
    /// else `<dataDirectory>/PROGRESS.md`, created from ``ProgressDocument/new(startingOn:)`` when missing. The
    /// file found is parsed once, so a broken file stops the server at start with the line named. Blocking.
    /// - Returns: The path of the file to track.
    /// - Throws: ``ConfigurationError`` for `progressFile`; ``ProgressError`` when the copy cannot be created.
    public static func resolveFile(
        configured: String?,
        dataDirectory: String,
        workingDirectory: String,
        today: CalendarDate
    ) throws -> String {
        let path: String
        if let configured {
            guard FileManager.default.fileExists(atPath: configured) else {
                throw ConfigurationError(
                    key: "progressFile",
                    expected: "the path of an existing progress file",
                    reason: "there is no file at \(configured) (create one with `mastery progress init`)"
                )
            }
            path = configured
        } else {
            let local = (workingDirectory as NSString).appendingPathComponent("PROGRESS.md")
            if FileManager.default.fileExists(atPath: local) {
                path = local
            } else {
                path = (dataDirectory as NSString).appendingPathComponent("PROGRESS.md")
                if !FileManager.default.fileExists(atPath: path) {
                    do {
                        try ProgressFileStore(path: path).create(.new(startingOn: today))
                    } catch let error as ProgressError where error.code == .fileExists {
                        // Another process created it meanwhile: use theirs.
                    }
                }
            }
        }
        do {
            _ = try ProgressFileStore(path: path).read().snapshot()
        } catch let error as ProgressError {
            throw ConfigurationError(
                key: "progressFile",
                expected: "a progress file (PROGRESS.md)",
                reason: "\(path): \(error)"
            )
        }
        return path
    }
}
