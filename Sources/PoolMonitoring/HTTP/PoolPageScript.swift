/// The pool page's own script, served beside the page (`page.js`). It reads the API's path from `#pool[data-api]`,
/// polls `GET` on it every second through the kit's `Mastery.poll` (paused while the tab is hidden; the state is on
/// `#pool-live`), writes with `textContent` and DOM nodes only, and resizes only through `Mastery.send` (which adds
/// the CSRF token). It counts its updates in `#pool[data-updates]` and the samples each chart shows in its
/// `data-samples` and `data-last`, for people inspecting the page and for the browser test.
enum PoolPageScript {
    /// Polls the API every second and redraws; runs the resize form.
    static let script = """
        (() => {
          "use strict";
          const root = document.getElementById("pool");
          const api = root.dataset.api;
          const svgNS = "http://www.w3.org/2000/svg";
          const byId = (id) => document.getElementById(id);
          const width = 300, height = 80, top = 4, bottom = 78;

          const svgNode = (tag, attributes) => {
            const element = document.createElementNS(svgNS, tag);
            for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
            return element;
          };
          const field = (name, value) => {
            for (const cell of root.querySelectorAll('[data-field="' + name + '"]')) {
              cell.textContent = value === undefined || value === null ? "—" : String(value);
            }
          };
          // One polyline per series over the samples, scaled to the largest value of them all.
          const chart = (id, samples, series, fixedPeak) => {
            const svg = byId(id);
            const peak = Math.max(fixedPeak || 1, ...samples.flatMap((s) => series.map(([key]) => s[key])));
            const step = width / Math.max(samples.length - 1, 1);
            const shapes = [svgNode("line", { class: "axis", x1: 0, y1: bottom, x2: width, y2: bottom })];
            if (samples.length > 1) {
              for (const [key, className] of series) {
                const points = samples.map((s, index) => (index * step).toFixed(1) + "," +
                  (bottom - s[key] / peak * (bottom - top)).toFixed(1)).join(" ");
                shapes.push(svgNode("polyline", { class: className, points }));
              }
            }
            svg.replaceChildren(...shapes);
            svg.dataset.samples = String(samples.length);
            svg.dataset.last = samples.length ? String(samples[samples.length - 1].sequence) : "";
            return peak;
          };

          function showServerView(view) {
            const line = byId("pool-server-view");
            if (!view) return;
            if (!view.available) {
              line.textContent = "PostgreSQL's view (pg_stat_activity): unavailable, " + view.reason;
              line.dataset.agrees = "";
              return;
            }
            const states = Object.entries(view.states).map(([state, count]) => count + " " + state).join(", ");
            line.textContent = "PostgreSQL sees " + view.serverConnections + " connection(s) named " +
              view.applicationName + (states ? " (" + states + ")" : "") + "; the pool believes it holds " +
              view.poolConnections + (view.poolOpening ? " (" + view.poolOpening + " opening)" : "") + ": " +
              (view.agrees ? "they agree." : "they differ.");
            line.dataset.agrees = String(view.agrees);
          }

          // The autoscaler's state and its latest decisions that changed the size or blocked a change, newest
          // first, at most 20.
          function showAutoscaler(autoscaler) {
            const line = byId("pool-autoscaler-state");
            if (!autoscaler) return;
            line.textContent = autoscaler.enabled
              ? "On" + (autoscaler.budget !== undefined && autoscaler.budget !== null
                  ? ", within a budget of " + autoscaler.budget + " connections" : "") +
                (autoscaler.budgetError ? "; the budget could not be read: " + autoscaler.budgetError : "") +
                (autoscaler.backingOff ? "; backing off after the server refused connections" : "") + "."
              : "Off: the size changes only by hand (pool.autoscale.enabled).";
            line.dataset.enabled = String(autoscaler.enabled);
            const table = byId("pool-decisions");
            const decisions = (autoscaler.decisions || []).slice(-20).reverse();
            if (!decisions.length) return;
            const rows = decisions.map((decision) => {
              const row = document.createElement("tr");
              row.dataset.rule = decision.rule;
              const cells = [decision.tick, decision.action, decision.rule, decision.from + " → " + decision.to,
                decision.p95WaitMilliseconds === undefined || decision.p95WaitMilliseconds === null
                  ? "—" : decision.p95WaitMilliseconds.toFixed(1), decision.reason];
              for (const value of cells) {
                const cell = document.createElement("td");
                cell.textContent = String(value);
                row.append(cell);
              }
              return row;
            });
            table.tBodies[0].replaceChildren(...rows);
            table.dataset.count = String(decisions.length);
          }

          async function update() {
            const status = await Mastery.get(api);
            const pool = status.pool || {};
            for (const name of ["total", "inUse", "idle", "waiting", "opening", "dedicated", "minimum", "maximum",
              "acquired", "timeouts", "leaks", "connectionErrors", "sizeChanges", "connectionsOpened",
              "connectionsClosed"]) field(name, pool[name]);
            showServerView(status.serverView);
            showAutoscaler(status.autoscaler);
            const samples = status.history || [];
            byId("pool-connections-peak").textContent =
              String(chart("pool-chart-connections", samples, [["inUse", "in-use"], ["idle", "idle"],
                ["waiting", "waiting"]], 1));
            const waitPeak = chart("pool-chart-wait", samples, [["p95WaitMilliseconds", "wait"]], 1);
            byId("pool-wait-peak").textContent = waitPeak.toFixed(1);
            byId("pool-wait-now").textContent =
              samples.length ? samples[samples.length - 1].p95WaitMilliseconds.toFixed(1) : "0";
            root.dataset.updates = String(Number(root.dataset.updates) + 1);
          }

          byId("pool-resize-form").addEventListener("submit", async (event) => {
            event.preventDefault();
            const form = event.currentTarget, result = byId("pool-resize-result");
            const body = { minimum: Number(form.elements.minimum.value), maximum: Number(form.elements.maximum.value) };
            try {
              const answer = await Mastery.send("PUT", api, body);
              result.textContent = "Resized to " + answer.pool.minimum + "–" + answer.pool.maximum + ".";
              result.dataset.maximum = String(answer.pool.maximum);
              await update();
            } catch (problem) {
              result.textContent = Mastery.problemText(problem);
            }
          });
          Mastery.poll(update, { interval: 1000, maxInterval: 30000, element: byId("pool-live") });
        })();
        """
}
