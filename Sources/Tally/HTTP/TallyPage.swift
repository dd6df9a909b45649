import Dashboard
import Hummingbird
import Platform

/// The page `/systems/tally`: every counter (the first 100 by name) with a button that adds one through the API.
/// The template holds the markup, the context only values (the page kit escapes every one of them).
struct TallyPage: Sendable {
    static let template = "tally/page"
    static let templates: [String: String] = [
        template: """
        <div id="tally" data-api="{{apiPath}}">
        <h1>Tally</h1>
        <p class="lede">Named counters: the worked example of adding a system.</p>
        <table class="systems">
        <thead><tr><th>Counter</th><th>Value</th><th></th></tr></thead>
        <tbody>
        {{#counters}}<tr><td>{{name}}</td><td data-value="{{name}}">{{value}}</td><td><button type="button" data-name="{{name}}">+1</button></td></tr>{{/counters}}
        {{^counters}}<tr><td class="muted" colspan="3">No counters yet: mastery tally increment NAME.</td></tr>{{/counters}}
        </tbody>
        </table>
        </div>
        """
    ]
    /// The page's script: a button posts an increment and shows the new value (`textContent` only).
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", () => {
          const root = document.getElementById("tally");
          for (const button of root.querySelectorAll("button[data-name]")) {
            button.addEventListener("click", async () => {
              const name = button.dataset.name;
              const counter = await Mastery.send("POST", root.dataset.api + "/" + encodeURIComponent(name) + "/increment", {by: 1});
              for (const cell of root.querySelectorAll("td[data-value]")) {
                if (cell.dataset.value === name) cell.textContent = String(counter.value);
              }
            });
          }
        });
        """

    struct Context {
        var apiPath: String
        var counters: [TallyCounter]
    }

    let renderer: DashboardRenderer
    let store: TallyStore

    /// Adds the page and its script to the page group (`/systems/tally`, `/systems/tally/page.js`).
    func addRoutes(to routes: SystemRoutes) {
        let apiPath = routes.apiPath
        let assets = PageAssets(stylesheets: [], scripts: [PageAssets.scriptPath(beside: routes.pagePath)])
        routes.page.get { [renderer, store] request, _ in
            let context = Context(apiPath: apiPath, counters: try await store.counters(limit: 100))
            return renderer.page(
                title: "Tally",
                template: Self.template,
                context: context,
                assets: assets,
                request: request
            )
        }
        routes.page.get("page.js") { _, _ in StaticAsset.script(Self.script).response }
    }
}
