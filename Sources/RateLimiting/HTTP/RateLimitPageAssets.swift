/// The rate limiter page's own style and script, served as files beside the page (`<page>/page.css`,
/// `<page>/page.js`) so the page works under the server's `Content-Security-Policy` (`script-src 'self'; style-src
/// 'self'`): the page holds no inline `<script>`, `<style>`, `style="…"` attribute or event handler. The script
/// reads what it needs from the page's `data-*` attributes (the API's paths included), polls through the dashboard
/// kit's `Mastery.poll` and `Mastery.get`, and sets any dynamic size through the DOM (which the policy allows).
///
/// The script writes only with `textContent` and DOM nodes, never HTML strings, so keys from `/stats` cannot
/// inject markup. It marks its progress in `data-*` attributes (`#ratelimit[data-updates]`, `#rl-burst[data-state]`,
/// `li[data-status]`) for people inspecting the page and for the browser test.
enum RateLimitPageAssets {
    /// The style sheet (`text/css`).
    static let style = """
        #ratelimit .rl-rates { font-size: 1.1rem; display: flex; gap: 1.5rem; margin: .25rem 0; }
        #ratelimit .rl-rate.allowed strong { color: var(--ok); } #ratelimit .rl-rate.denied strong { color: var(--bad); }
        #ratelimit svg.rl-sparkline { width: 100%; max-width: 720px; height: 90px; background: #fff; border: 1px solid var(--line); }
        #ratelimit svg.rl-sparkline rect.allowed { fill: var(--ok); } #ratelimit svg.rl-sparkline rect.denied { fill: var(--bad); }
        #ratelimit .counts { color: var(--muted); }
        #ratelimit td.num { text-align: right; } #ratelimit td.rl-key { font-family: ui-monospace, monospace; word-break: break-all; }
        #ratelimit .pill[data-fallback="true"] { background: #fee4e2; color: var(--bad); }
        #ratelimit ol.rl-burst-results { columns: 2; max-width: 960px; font-size: .85rem; padding-left: 2rem; }
        #ratelimit ol.rl-burst-results li { break-inside: avoid; margin: .1rem 0; }
        #ratelimit ol.rl-burst-results li .pill { font-variant-numeric: tabular-nums; }
        #ratelimit li[data-status="200"] .pill { background: #dcfce7; color: var(--ok); }
        #ratelimit li[data-status="429"] .pill { background: #fee4e2; color: var(--bad); }
        #ratelimit ol.rl-burst-results code { margin-left: .4rem; white-space: nowrap; }
        """

    /// Polls the statistics once a second with the kit's `Mastery.poll` (the next poll starts a second after the
    /// previous one ends, so a slow server is never asked twice at once; failures back off; `#rl-live-state` carries
    /// the `data-state`) and runs the burst.
    static let script = """
        (() => {
          "use strict";
          const root = document.getElementById("ratelimit");
          const slots = 60, slotWidth = 6, height = 60;
          const history = [];
          let previous = null;
          const byId = (id) => document.getElementById(id);
          const setText = (id, value) => { const element = byId(id); if (element) element.textContent = String(value); };
          const rate = (value) => value >= 100 ? String(Math.round(value)) : value.toFixed(1);
          const node = (tag, className, text) => {
            const element = document.createElement(tag);
            if (className) element.className = className;
            if (text !== undefined) element.textContent = text;
            return element;
          };

          function draw() {
            const svg = byId("rl-sparkline");
            const peak = Math.max(1, ...history.map((point) => point.allowed + point.denied));
            const bars = [];
            history.forEach((point, index) => {
              const x = (slots - history.length + index) * slotWidth;
              const allowed = point.allowed / peak * height, denied = point.denied / peak * height;
              for (const [className, y, h] of [["allowed", height - allowed, allowed], ["denied", height - allowed - denied, denied]]) {
                if (h <= 0) continue;
                const bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
                bar.setAttribute("class", className);
                bar.setAttribute("x", String(x));
                bar.setAttribute("y", String(y));
                bar.setAttribute("width", String(slotWidth - 1));
                bar.setAttribute("height", String(h));
                bars.push(bar);
              }
            });
            svg.replaceChildren(...bars);
          }

          function showKeys(keys) {
            const body = byId("rl-limited-keys");
            if (!keys.length) {
              const row = node("tr", "rl-none");
              const cell = node("td", "muted", "No key has been limited yet.");
              cell.colSpan = 3;
              row.appendChild(cell);
              body.replaceChildren(row);
              return;
            }
            body.replaceChildren(...keys.map((entry) => {
              const row = node("tr", "rl-limited-key");
              const policy = node("td");
              policy.appendChild(node("code", "", entry.policy));
              row.append(policy, node("td", "rl-key", entry.key), node("td", "num", String(entry.denied)));
              return row;
            }));
          }

          function show(stats) {
            const now = performance.now();
            // A restarted server's counters start again from zero: take a new baseline instead of a negative rate.
            if (previous && stats.allowed >= previous.allowed && stats.denied >= previous.denied) {
              const seconds = Math.max((now - previous.at) / 1000, 0.001);
              const point = { allowed: (stats.allowed - previous.allowed) / seconds, denied: (stats.denied - previous.denied) / seconds };
              history.push(point);
              if (history.length > slots) history.shift();
              setText("rl-allowed-rate", rate(point.allowed));
              setText("rl-denied-rate", rate(point.denied));
              draw();
            }
            previous = { at: now, allowed: stats.allowed, denied: stats.denied };
            setText("rl-allowed-total", stats.allowed);
            setText("rl-denied-total", stats.denied);
            setText("rl-fallback-total", stats.fallbackDecisions);
            setText("rl-store", stats.store);
            const fallback = byId("rl-fallback");
            fallback.dataset.fallback = String(Boolean(stats.usingFallback));
            fallback.className = stats.usingFallback ? "pill" : "pill ok";
            fallback.textContent = stats.usingFallback ? "store failing: each policy's failure mode decides" : "store healthy";
            for (const row of document.querySelectorAll("tr.rl-policy")) {
              const counts = (stats.policies || {})[row.dataset.policy] || { allowed: 0, denied: 0 };
              row.querySelector('[data-count="allowed"]').textContent = String(counts.allowed);
              row.querySelector('[data-count="denied"]').textContent = String(counts.denied);
            }
            showKeys(stats.limitedKeys || []);
            root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
            setText("rl-live-state", "live: updated " + new Date().toLocaleTimeString());
          }

          async function burst(button) {
            const count = Number(button.dataset.count) || 20;
            const section = byId("rl-burst"), list = byId("rl-burst-results");
            const tally = new Map();
            const summarize = (done) => {
              const parts = [...tally.entries()].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([status, n]) => n + " × " + status);
              setText("rl-burst-summary", (done ? count + " sent: " : "sending… ") + parts.join(", "));
            };
            button.disabled = true;
            section.dataset.state = "running";
            list.replaceChildren();
            for (let index = 1; index <= count; index++) {
              const item = node("li");
              try {
                const response = await fetch(root.dataset.demo, { cache: "no-store" });
                await response.text();
                const status = String(response.status);
                item.dataset.status = status;
                tally.set(status, (tally.get(status) || 0) + 1);
                const label = response.status === 200 ? "OK" : response.status === 429 ? "Too Many Requests" : response.statusText;
                item.append(node("span", "pill", status), " " + label);
                for (const name of ["RateLimit", "Retry-After"]) {
                  const value = response.headers.get(name);
                  if (value !== null) item.appendChild(node("code", "", name + ": " + value));
                }
              } catch (error) {
                item.dataset.status = "error";
                tally.set("error", (tally.get("error") || 0) + 1);
                item.textContent = "failed: " + error.message;
              }
              list.appendChild(item);
              summarize(false);
            }
            summarize(true);
            section.dataset.state = "done";
            button.disabled = false;
          }

          byId("rl-fire-burst").addEventListener("click", (event) => burst(event.currentTarget));
          Mastery.poll(async () => {
            try {
              show(await Mastery.get(root.dataset.stats));
            } catch (problem) {
              setText("rl-live-state", "live: statistics unavailable (" + Mastery.problemText(problem) + ")");
              throw problem;
            }
          }, { interval: 1000, maxInterval: 15000, element: byId("rl-live-state") });
        })();
        """
}
