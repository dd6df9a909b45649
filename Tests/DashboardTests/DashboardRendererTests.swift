import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Platform
import Testing

@testable import Dashboard

/// The page kit's renderer: escaping in every context a template puts a value in, the frame around a page, and
/// what a page's context can see.
@Suite struct DashboardRendererTests {
    let credentials = AdminCredentials(token: "test-token", isConfigured: true)

    /// Strings that break out of text, of double- and single-quoted attributes, of comments and of templates.
    static let hostile = [
        #"<script>alert(1)</script>"#, #"" onmouseover="alert(1)"#, #"' onmouseover='alert(1)"#,
        #"</textarea><img src=x onerror=alert(1)>"#, "&amp; &lt; already escaped", "{{title}} {{{title}}} {{>layout}}",
        "--><!--", "`backtick` \u{2028} café 🟡",
    ]

    func renderer(_ templates: [String: String] = [:]) throws -> DashboardRenderer {
        try DashboardRenderer(credentials: credentials, templates: templates)
    }

    func request(cookie: String? = nil) -> Request {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/")
        if let cookie { head.headerFields[.cookie] = "\(AdminCredentials.sessionCookie)=\(cookie)" }
        return Request(head: head, body: .init(buffer: ByteBuffer()))
    }

    func body(_ response: Response) async throws -> String {
        let writer = CollectingWriter()
        try await response.body.write(writer)
        return String(buffer: writer.buffer)
    }

    @Test("a value is escaped in text and in double- and single-quoted attributes, and never parsed as a template")
    func escapesEveryContext() throws {
        let kit = try renderer([
            "test/contexts":
                #"<p class="text">{{value}}</p><a title="{{value}}" data-x='{{value}}' href="/x?q={{value}}">.</a>"#
        ])
        for value in Self.hostile {
            let html = kit.render(template: "test/contexts", context: ["value": value])
            let escaped = DashboardRenderer.escape(value)
            #expect(
                html
                    == #"<p class="text">\#(escaped)</p><a title="\#(escaped)" data-x='\#(escaped)' href="/x?q=\#(escaped)">.</a>"#,
                "\(value)"
            )
            // Nothing of the value can end the element or either kind of attribute.
            for character in ["<", ">", "\"", "'"] where value.contains(character) {
                #expect(!escaped.contains(character), "\(value)")
            }
            #expect(
                escaped.replacingOccurrences(of: "&amp;", with: "").replacingOccurrences(of: "&lt;", with: "")
                    .replacingOccurrences(of: "&gt;", with: "").replacingOccurrences(of: "&quot;", with: "")
                    .replacingOccurrences(of: "&#39;", with: "").contains("&") == false
            )
        }
        #expect(
            DashboardRenderer.escape(#"<a href='x'>"&"</a>"#) == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        )
    }

    @Test("struct contexts: properties by name, optionals and booleans as sections, arrays as lists, escaped")
    func structContexts() throws {
        struct Row {
            var name: String
            var note: String?
        }
        struct Page {
            var rows: [Row]
            var empty: [Row]
            var flag: Bool
        }
        let kit = try renderer([
            "test/rows":
                "{{#rows}}<li data-name=\"{{name}}\">{{name}}{{#note}} ({{.}}){{/note}}</li>{{/rows}}{{^empty}}none{{/empty}}{{#flag}}!{{/flag}}"
        ])
        let html = kit.render(
            template: "test/rows",
            context: Page(rows: [Row(name: "<a>", note: nil), Row(name: "b", note: "\"q\"")], empty: [], flag: false)
        )
        #expect(html == #"<li data-name="&lt;a&gt;">&lt;a&gt;</li><li data-name="b">b (&quot;q&quot;)</li>none"#)
    }

    @Test("the frame: escaped title, the kit's assets then the page's, no CSRF token without a session")
    func frame() async throws {
        let kit = try renderer(["test/page": "<h1>{{heading}}</h1><p>{{title}}</p>"])
        let response = kit.page(
            title: #"A "title" <b>"#,
            template: "test/page",
            context: ["heading": "<script>x</script>"],
            assets: PageAssets(stylesheets: ["/s/a.css"], scripts: ["/s/a.js"]),
            request: request()
        )
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        #expect(response.headers[.cacheControl] == "no-store")
        let html = try await body(response)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<title>A &quot;title&quot; &lt;b&gt; · Mastery</title>"))
        #expect(html.contains(#"<meta name="csrf-token" content="">"#))
        #expect(html.contains(#"id="sign-in""#))
        // The page's names first, the frame's after them.
        #expect(html.contains("<h1>&lt;script&gt;x&lt;/script&gt;</h1><p>A &quot;title&quot; &lt;b&gt;</p>"))
        let order = try [
            #"<link rel="stylesheet" href="/dashboard/assets/mastery.css">"#,
            #"<link rel="stylesheet" href="/s/a.css">"#,
            #"<script src="/dashboard/assets/mastery.js" defer></script>"#, #"<script src="/s/a.js" defer></script>"#,
            "<main>", "<h1>",
        ].map { try #require(html.range(of: $0)?.lowerBound, "\($0)") }
        #expect(order == order.sorted())
        #expect(!html.contains("<script>"))
    }

    @Test("a signed-in page carries the session's CSRF token and no sign-in link")
    func signedIn() async throws {
        let kit = try renderer()
        let session = credentials.makeSession()
        let html = try await body(
            kit.page(
                title: "Sign in",
                template: "login",
                context: DashboardController.LoginPage(),
                request: request(cookie: session)
            )
        )
        #expect(html.contains(#"<meta name="csrf-token" content="\#(credentials.csrfToken(for: session))">"#))
        #expect(!html.contains(#"id="sign-in""#))
        let forged = try await body(
            kit.page(
                title: "Sign in",
                template: "login",
                context: DashboardController.LoginPage(),
                request: request(cookie: "forged")
            )
        )
        #expect(forged.contains(#"<meta name="csrf-token" content="">"#))
    }

    @Test("a template that does not parse is an error at start, naming no value")
    func badTemplate() throws {
        #expect(throws: (any Error).self) { try renderer(["test/bad": "{{#open}} never closed"]) }
        #expect(DashboardRenderer.reservedTemplateNames.isSuperset(of: ["layout", "systems", "login", "status"]))
    }

    @Test("the status partial draws a glyph with CSS beside the text")
    func statusPartial() throws {
        let kit = try renderer(["test/status": "{{#items}}{{>status}}{{/items}}"])
        let html = kit.render(
            template: "test/status",
            context: ["items": [["statusGlyph": "done", "statusLabel": "Complete <ok>"]]]
        )
        #expect(html == #"<span class="status" data-glyph="done">Complete &lt;ok&gt;</span>"#)
        for glyph in ["todo", "active", "done", "skipped", "ok", "error"] {
            #expect(Assets.css.contains(#".status[data-glyph="\#(glyph)"]"#), "\(glyph)")
        }
        // The kit's own markup and style hold no emoji for a font to miss.
        for text in Templates.all.values + [Assets.css, Assets.javascript] {
            #expect(!text.unicodeScalars.contains { $0.properties.isEmojiPresentation }, "\(text.prefix(60))")
        }
    }

    @Test("code spans become parts the template escapes")
    func inlineCode() {
        #expect(
            InlineCode.parts(of: "a `<b>` c")
                == [.init(text: "a ", code: false), .init(text: "<b>", code: true), .init(text: " c", code: false)]
        )
        #expect(InlineCode.parts(of: "plain") == [.init(text: "plain", code: false)])
        #expect(InlineCode.parts(of: "") == [])
    }

    @Test("page assets sit beside the page's path; served assets carry their types")
    func assets() {
        #expect(
            PageAssets.beside("/systems/x")
                == PageAssets(stylesheets: ["/systems/x/page.css"], scripts: ["/systems/x/page.js"])
        )
        #expect(PageAssets.beside("/systems/x/").stylesheets == ["/systems/x/page.css"])
        #expect(StaticAsset.stylesheet("a{}").response.headers[.contentType] == "text/css; charset=utf-8")
        #expect(StaticAsset.script("1").response.headers[.contentType] == "text/javascript; charset=utf-8")
        // The script helper writes text, never HTML, and sends the CSRF token only to this server.
        #expect(!Assets.javascript.contains("innerHTML") && !Assets.javascript.contains("insertAdjacentHTML"))
        #expect(Assets.javascript.contains(#"headers["X-CSRF-Token"] = Mastery.csrfToken()"#))
        #expect(Assets.javascript.contains("target.origin !== location.origin"))
    }
}

/// Collects a response body (used by one task only).
final class CollectingWriter: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
