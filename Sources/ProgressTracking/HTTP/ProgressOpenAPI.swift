import APIDocumentation
public import OpenAPIKit
import Platform

/// The OpenAPI 3.1 document of the progress tracker's API (``ProgressController``), written on the OpenAPI kit
/// (`APIDocumentation`) with paths relative to `/v1/progress`: the report, the three verbs, and this document. Served,
/// prefixed, at `GET /v1/progress/openapi.json`; the server merges it into `GET /v1/openapi.json`.
public enum ProgressOpenAPI {
    /// The document, paths relative to the system's API prefix (`/`, `/projects/{number}/start`, …).
    public static let document: OpenAPI.Document = {
        var builder = APIDocumentBuilder(
            title: "Mastery progress tracker",
            description: "The curriculum's progress file (PROGRESS.md) as data: its projects, checklist, reflections "
                + "and pace, and the start, complete and skip verbs that update it (locked, re-read under the lock; a "
                + "refused change leaves the file byte-identical)."
        )
        for (name, schema) in schemas { builder.schema(name, schema) }
        builder.add(
            .get,
            "/",
            OpenAPI.Operation(
                summary: "The progress file's snapshot and the pace at today.",
                operationId: "getProgress",
                responses: [200: .json("The report.", .component("ProgressReport")), 500: fileFailure]
            )
        )
        for verb in ProgressController.Verb.allCases {
            builder.add(.post, "/projects/{number}/\(verb.rawValue)", parameters: [number], operation(verb))
        }
        builder.addDocumentRoute()
        return builder.document
    }()

    /// The document as served at `GET /v1/progress/openapi.json`: paths under `/v1/progress`, JSON with sorted keys.
    public static let json: String = {
        // Encoding a document built from typed values cannot fail; an empty object would show it if it did.
        (try? document.prefixed(with: ProgressSystem.descriptor.apiPath).jsonText()) ?? "{}"
    }()

    /// The project number in a verb's path.
    static let number: Either<OpenAPI.Reference<OpenAPI.Parameter>, OpenAPI.Parameter> = .parameter(
        .path(name: "number", schema: .component("ProjectNumber"), description: "The project's number: 1 or 01.")
    )

    /// 500: the file cannot be understood, read or written (the detail names the line; the log names the file).
    static let fileFailure: Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> = .problem(
        "The progress file cannot be understood (the detail names the line) or cannot be read or written; the server "
            + "log names the file under the request ID the detail gives."
    )

    /// One verb's operation.
    static func operation(_ verb: ProgressController.Verb) -> OpenAPI.Operation {
        let summary: String
        let description: String
        switch verb {
        case .start:
            summary = "Start a project."
            description =
                "A project that is not started becomes in progress, with today as its Start Date. Takes no body."
        case .complete:
            summary = "Complete a project."
            description =
                "A started project becomes completed, with today as its End Date. The optional body adds a "
                + "war story and a repository and ticks skills; `force` completes a project that was never started."
        case .skip:
            summary = "Skip a project."
            description = "A project becomes skipped (it is not counted as complete). Takes no body."
        }
        var responses: OpenAPI.Response.Map = [
            200: .json("The report after the change.", .component("ProgressReport")),
            400: .badRequest,
            401: .unauthorized,
            404: .notFound,
            409: .problem(
                "The project's status does not allow the verb (or a skill text matches several items); the detail says "
                    + "what to do. The file is unchanged."
            ),
            413: .contentTooLarge,
            500: fileFailure,
        ]
        var body: OpenAPI.Request? = nil
        if verb == .complete {
            responses = .withJSONBodyErrors(responses)
            body = .json(.component("ProgressCompleteRequest"), required: false)
        }
        return OpenAPI.Operation(
            summary: summary,
            description: description,
            operationId: "\(verb.rawValue)Project",
            requestBody: body,
            responses: responses,
            security: .bearerAuth
        )
    }
}
