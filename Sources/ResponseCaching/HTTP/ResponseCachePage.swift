import Dashboard
import Hummingbird
import Platform

/// The page `/systems/cache`: the tiers' counters and the hit ratio over time (the script polls `GET /v1/cache`
/// every two seconds and draws the ratio of each interval), and a purge form.
struct ResponseCachePage: Sendable {
    static let template = "cache/page"
    static let templates: [String: String] = [
        template: """
        <div id="cache" data-api="{{apiPath}}">
        <h1>API response cache</h1>
        <p class="lede">In process ({{budget}} bytes, W-TinyLFU) over {{sharedName}}; invalidations reach every instance.</p>
        <table class="systems">
        <thead><tr><th>Counter</th><th>Value</th></tr></thead>
        <tbody>
        <tr><td>In-process hits</td><td data-counter="memory.hits">{{memoryHits}}</td></tr>
        <tr><td>Shared-tier hits</td><td data-counter="sharedHits">{{sharedHits}}</td></tr>
        <tr><td>Misses</td><td data-counter="misses">{{misses}}</td></tr>
        <tr><td>Stale served</td><td data-counter="staleServed">{{staleServed}}</td></tr>
        <tr><td>Origin calls</td><td data-counter="originCalls">{{originCalls}}</td></tr>
        <tr><td>Evictions</td><td data-counter="memory.evictions">{{evictions}}</td></tr>
        <tr><td>Bytes in process</td><td data-counter="memory.bytes">{{bytes}}</td></tr>
        </tbody>
        </table>
        <h2>Hit ratio, every two seconds</h2>
        <svg id="cache-ratio" viewBox="0 0 300 100" width="600" height="200" role="img" aria-label="hit ratio over time">
        <polyline fill="none" stroke="currentColor" stroke-width="1.5" points=""></polyline>
        </svg>
        <p id="cache-ratio-now" class="muted">waiting for traffic</p>
        <h2>Purge</h2>
        <form id="cache-purge">
        <label>Tag <input name="tag" maxlength="2048" required></label>
        <label><input type="checkbox" name="soft"> soft (mark stale)</label>
        <button type="submit">Purge</button>
        <output id="cache-purge-result"></output>
        </form>
        </div>
        """
    ]
    /// Polls the counters and draws the hit ratio; the purge form posts a tag (`textContent` only).
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", () => {
          const root = document.getElementById("cache");
          const line = root.querySelector("#cache-ratio polyline");
          const now = document.getElementById("cache-ratio-now");
          const ratios = [];
          let last = null;
          const pick = (stats, path) => path.split(".").reduce((value, part) => value[part], stats);
          async function poll() {
            const stats = await Mastery.send("GET", root.dataset.api);
            for (const cell of root.querySelectorAll("td[data-counter]")) {
              cell.textContent = String(pick(stats, cell.dataset.counter));
            }
            const hits = stats.memory.hits + stats.sharedHits + stats.staleServed;
            if (last) {
              const served = hits - last.hits + stats.misses - last.misses;
              if (served > 0) {
                const ratio = (hits - last.hits) / served;
                ratios.push(ratio);
                if (ratios.length > 60) ratios.shift();
                line.setAttribute("points", ratios.map((r, i) => `${i * 5},${100 - r * 100}`).join(" "));
                now.textContent = `hit ratio ${(ratio * 100).toFixed(1)} % over the last interval`;
              }
            }
            last = {hits, misses: stats.misses};
          }
          poll();
          setInterval(poll, 2000);
          const form = document.getElementById("cache-purge");
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            const outcome = await Mastery.send("POST", root.dataset.api + "/purge",
              {tags: [form.elements.tag.value], soft: form.elements.soft.checked});
            document.getElementById("cache-purge-result").textContent = `purged ${outcome.purged}`;
          });
        });
        """

    struct Context {
        var apiPath: String
        var budget: Int
        var sharedName: String
        var memoryHits: Int
        var sharedHits: Int
        var misses: Int
        var staleServed: Int
        var originCalls: Int
        var evictions: Int
        var bytes: Int
    }

    let renderer: DashboardRenderer
    let cache: ResponseCache

    func addRoutes(to routes: SystemRoutes) {
        let apiPath = routes.apiPath
        let assets = PageAssets(stylesheets: [], scripts: [PageAssets.scriptPath(beside: routes.pagePath)])
        routes.page.get { [renderer, cache] request, _ in
            let statistics = cache.statistics
            let context = Context(
                apiPath: apiPath,
                budget: statistics.memory.budget,
                sharedName: cache.store == nil ? "nothing shared (one instance)" : "Redis",
                memoryHits: statistics.memoryHits,
                sharedHits: statistics.sharedHits,
                misses: statistics.misses,
                staleServed: statistics.staleServed,
                originCalls: statistics.originCalls,
                evictions: statistics.memory.evictions,
                bytes: statistics.memory.bytes
            )
            return renderer.page(
                title: "API response cache",
                template: Self.template,
                context: context,
                assets: assets,
                request: request
            )
        }
        routes.page.get("page.js") { _, _ in StaticAsset.script(Self.script).response }
    }
}
