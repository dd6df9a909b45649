import APIDocumentation
import Dashboard
import OpenAPIKit

/// The `/docs` page: a readable reference of every mounted system's API, rendered on the server from the merged
/// OpenAPI document: the operations grouped by system (method, path, summary, credentials, parameters, request
/// body, responses with their status codes), then the schemas the bodies refer to.
///
/// The HTML comes from a Mustache template (``template``) that escapes every value, so a summary or a schema's
/// description shows as text whatever it holds. The page needs no script; its style sheet is a file
/// (``stylePath``), as the server's Content-Security-Policy allows no inline style.
struct APIReferencePage: @unchecked Sendable {  // the context holds only strings, numbers and arrays of them
    /// Where the page's style sheet is served.
    static let stylePath = "/docs/docs.css"

    /// The template's name in the dashboard's renderer.
    static let templateName = "docs/page"
    /// The page's values for ``template`` (every one escaped by the page kit).
    let context: [String: Any]

    /// Renders the reference of `document`.
    /// - Parameters:
    ///   - document: The merged document (``MountedAPI/merged(_:info:)``).
    ///   - apis: The systems in it, for their names, summaries and prefixes.
    init(document: OpenAPI.Document, apis: [MountedAPI]) {
        let model = APIReferenceModel(document: document)
        let systems: [[String: Any]] = apis.map { api in
            [
                "systemName": api.name,
                "systemAnchor": APIReferenceModel.anchor("system-\(api.slug)"),
                "systemPrefix": api.prefix,
                "systemSummary": api.summary ?? "",
                "operations": model.operations(taggedWith: api.name),
            ]
        }
        context = [
            "docTitle": document.info.title,
            "docDescription": document.info.description ?? "",
            "openAPIVersion": document.openAPIVersion.rawValue,
            "systems": systems,
            "hasSystems": !systems.isEmpty,
            "schemas": model.schemas(),
        ]
    }

    /// A schema's type inside a `{{#…Type}}` section: its text, linked to the schema it names (if any).
    static let typeHTML =
        "{{#typeLink}}<a href=\"#{{typeLink}}\">{{typeText}}</a>{{/typeLink}}{{^typeLink}}{{typeText}}{{/typeLink}}"

    /// The page's template. Keys are unique across levels (`systemName`, `operationSummary`), so a missing value
    /// never shows its parent's.
    static let template = """
        <div id="api-docs">
        <h1>{{docTitle}}</h1>
        <p class="lede">{{docDescription}}</p>
        <p>The machine-readable document: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI {{openAPIVersion}}).
        Routes marked <span class="auth">admin token</span> need <code>Authorization: Bearer &lt;admin token&gt;</code>
        (or a signed-in dashboard session with its CSRF token).</p>
        {{^hasSystems}}<p class="muted">No mounted system publishes an API document.</p>{{/hasSystems}}
        <nav class="toc"><ul>
        {{#systems}}<li><a href="#{{systemAnchor}}">{{systemName}}</a> <code>{{systemPrefix}}</code></li>{{/systems}}
        <li><a href="#schemas">Schemas</a></li>
        </ul></nav>
        {{#systems}}
        <section class="system" id="{{systemAnchor}}">
        <h2>{{systemName}} <code>{{systemPrefix}}</code></h2>
        <p class="summary">{{systemSummary}}</p>
        {{#operations}}
        <article class="operation" id="{{operationAnchor}}">
        <h3><span class="method" data-method="{{methodClass}}">{{method}}</span> <code class="path">{{path}}</code>
        {{#needsAdmin}}<span class="auth">admin token</span>{{/needsAdmin}}
        {{#noCredentials}}<span class="auth open">no credentials</span>{{/noCredentials}}</h3>
        <p class="op-summary">{{operationSummary}}</p>
        {{#operationDescription}}<p class="op-description">{{operationDescription}}</p>{{/operationDescription}}
        {{#hasParameters}}
        <h4>Parameters</h4>
        <table class="fields"><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>
        {{#parameters}}<tr>
        <td><code>{{parameterName}}</code>\
        {{#parameterRequired}} <span class="required">required</span>{{/parameterRequired}}</td>
        <td>{{parameterLocation}}</td>
        <td>{{#parameterType}}\(typeHTML){{/parameterType}}</td>
        <td>{{parameterDescription}}</td>
        </tr>{{/parameters}}
        </tbody></table>
        {{/hasParameters}}
        {{#requestBody}}
        <h4>Request body</h4>
        <p><code>{{bodyContentType}}</code>
        {{#bodyRequired}}<span class="required">required</span>{{/bodyRequired}}\
        {{^bodyRequired}}(optional){{/bodyRequired}}:
        {{#bodyType}}\(typeHTML){{/bodyType}}</p>
        {{/requestBody}}
        <h4>Responses</h4>
        <table class="fields"><thead><tr><th>Status</th><th>Description</th><th>Body</th></tr></thead><tbody>
        {{#responses}}<tr>
        <td class="status" data-status="{{statusClass}}">{{status}}</td>
        <td>{{responseDescription}}
        {{#responseHeaders}}<br><span class="muted">Headers: {{responseHeaders}}</span>{{/responseHeaders}}</td>
        <td>{{#responseContentType}}<code>{{responseContentType}}</code> {{/responseContentType}}
        {{#responseType}}\(typeHTML){{/responseType}}</td>
        </tr>{{/responses}}
        </tbody></table>
        </article>
        {{/operations}}
        </section>
        {{/systems}}
        <section id="schemas">
        <h2>Schemas</h2>
        {{#schemas}}
        <article class="schema" id="{{schemaAnchor}}">
        <h3><code>{{schemaName}}</code></h3>
        {{#schemaDescription}}<p>{{schemaDescription}}</p>{{/schemaDescription}}
        {{^hasProperties}}<p>{{#schemaType}}\(typeHTML){{/schemaType}}</p>{{/hasProperties}}
        {{#hasProperties}}
        <table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>
        {{#properties}}<tr>
        <td><code>{{propertyName}}</code>\
        {{#propertyRequired}} <span class="required">required</span>{{/propertyRequired}}</td>
        <td>{{#propertyType}}\(typeHTML){{/propertyType}}</td>
        <td>{{propertyDescription}}</td>
        </tr>{{/properties}}
        </tbody></table>
        {{#additionalText}}<p class="muted">Other fields: {{additionalText}}</p>{{/additionalText}}
        {{/hasProperties}}
        </article>
        {{/schemas}}
        </section>
        </div>
        """
}
