import APIDocumentation
import Dashboard
import Foundation
import Hummingbird
import NIOCore
import OpenAPIKit
import Platform

/// The server's API documentation, from every mounted system's ``MasterySystem/apiDocument``:
///
/// - `GET /v1/openapi.json`: one OpenAPI 3.1 document merging them (``MountedAPI/merged(_:info:)``), each system's
///   paths under its prefix (`/v1/<slug>`), its operations tagged with its name.
/// - `GET /docs`: a readable reference rendered on the server from that document (``APIReferencePage``), in the
///   dashboard frame; `GET /docs/docs.css` is its style sheet.
///
/// Both are built once, when the server is assembled, so a system whose document collides with another's stops
/// the server at start rather than on the first request.
struct APIDocsController: Sendable {
    /// The merged document's JSON.
    let json: String
    /// The page's content.
    let page: APIReferencePage
    let renderer: DashboardRenderer

    /// Merges the systems' documents and renders the page.
    /// - Parameters:
    ///   - systems: The mounted systems; those without a document are left out.
    ///   - renderer: Renders the page inside the dashboard frame.
    /// - Throws: ``APIDocumentError`` when two systems describe the same path or define a component differently.
    init(systems: [any MasterySystem], renderer: DashboardRenderer) throws {
        let apis = systems.compactMap { system -> MountedAPI? in
            let descriptor = type(of: system).descriptor
            return system.apiDocument.map { document in
                MountedAPI(
                    slug: descriptor.slug,
                    name: descriptor.name,
                    summary: descriptor.summary,
                    prefix: descriptor.apiPath,
                    document: document
                )
            }
        }
        let document = try MountedAPI.merged(
            apis,
            info: OpenAPI.Document.Info(
                title: "Mastery API",
                description: "Every mounted system's HTTP API, each under /v1/<slug>. Problems are RFC 9457 "
                    + "application/problem+json; state-changing routes need the admin token unless marked otherwise.",
                version: "1.0.0"
            )
        )
        json = try document.jsonText()
        page = APIReferencePage(document: document, apis: apis)
        self.renderer = renderer
    }

    /// Adds `GET /v1/openapi.json`, `GET /docs` and `GET /docs/docs.css`.
    func addRoutes(to router: Router<MasteryRequestContext>) {
        router.get("/v1/openapi.json") { _, _ in
            StaticAsset.json(json).response
        }
        router.get("/docs") { request, _ in
            renderer.page(
                title: "API reference",
                template: APIReferencePage.templateName,
                context: page.context,
                assets: PageAssets(stylesheets: [APIReferencePage.stylePath]),
                request: request
            )
        }
        router.get(RouterPath(APIReferencePage.stylePath)) { _, _ in
            StaticAsset.stylesheet(APIReferencePage.style).response
        }
    }
}
