/// The jobs page's own script, served beside the page (`page.js`). It reads the API's
/// path from `#jobs[data-api]`, polls through the kit's `Mastery.poll` (paused while the tab is hidden; the state
/// is on `#jobs-live`), writes with `textContent` and DOM nodes only (a kind, payload or error holding markup shows
/// as text), and changes state only through `Mastery.send` (which adds the CSRF token). It counts its updates in
/// `#jobs[data-updates]` for people inspecting the page and for the browser test.
enum JobsPageScript {
    /// Polls the API every 2 seconds and renders every section; runs the forms and buttons.
    static let script = """
        (() => {
          "use strict";
          const root = document.getElementById("jobs");
          const api = root.dataset.api;
          const svgNS = "http://www.w3.org/2000/svg";
          const byId = (id) => document.getElementById(id);
          const depthHistory = [];
          const signatures = {};
          let inspected = null;

          const node = (tag, className, text) => {
            const element = document.createElement(tag);
            if (className) element.className = className;
            if (text !== undefined && text !== null) element.textContent = String(text);
            return element;
          };
          const svgNode = (tag, attributes) => {
            const element = document.createElementNS(svgNS, tag);
            for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
            return element;
          };
          const button = (label, action, id) => {
            const element = node("button", "", label);
            element.type = "button";
            element.dataset.action = action;
            if (id !== undefined) element.dataset.id = String(id);
            return element;
          };
          const age = (seconds) => seconds < 1 ? "<1 s" : seconds < 120 ? Math.floor(seconds) + " s"
            : seconds < 7200 ? Math.floor(seconds / 60) + " min" : Math.floor(seconds / 3600) + " h";
          const since = (time) => time ? age(Math.max(0, (Date.now() - Date.parse(time)) / 1000)) + " ago" : "—";
          const until = (time) => {
            const seconds = (Date.parse(time) - Date.now()) / 1000;
            return seconds <= 0 ? "now" : "in " + age(seconds);
          };
          const url = (path, query) => {
            const params = new URLSearchParams();
            for (const [name, value] of Object.entries(query || {})) if (value) params.set(name, String(value));
            const text = params.toString();
            return api + path + (text ? "?" + text : "");
          };
          // Replaces a table body's rows, unless what they show has not changed (so buttons stay put).
          const fill = (bodyId, items, columns, makeRow, empty) => {
            const signature = JSON.stringify(items);
            if (signatures[bodyId] === signature) return;
            signatures[bodyId] = signature;
            const body = byId(bodyId);
            if (!items.length) {
              const row = node("tr", "jobs-none");
              const cell = node("td", "muted", empty);
              cell.colSpan = columns;
              row.appendChild(cell);
              body.replaceChildren(row);
              return;
            }
            body.replaceChildren(...items.map(makeRow));
          };
          const failed = (bodyId, columns, problem) => {
            signatures[bodyId] = null;
            const row = node("tr", "jobs-none");
            const cell = node("td", "error", Mastery.problemText(problem));
            cell.colSpan = columns;
            row.appendChild(cell);
            byId(bodyId).replaceChildren(row);
          };
          const row = (className, id, cells) => {
            const element = node("tr", className);
            if (id !== undefined) element.dataset.id = String(id);
            for (const cell of cells) element.appendChild(cell instanceof Node ? cell : node("td", "", cell));
            return element;
          };
          const cell = (className, ...children) => {
            const element = node("td", className);
            element.append(...children);
            return element;
          };

          function showQueues(queues) {
            fill("jobs-queue-rows", queues, 9, (q) => {
              const name = cell("", node("code", "", q.queue));
              if (q.paused) name.append(" ", node("span", "pill", "paused"));
              const action = button(q.paused ? "Resume" : "Pause", q.paused ? "resume" : "pause");
              action.dataset.queue = q.queue;
              const element = row("jobs-queue", undefined, [name, cell("num", String(q.ready)),
                cell("num", String(q.scheduled)), cell("num", String(q.running)), cell("num", String(q.dead)),
                cell("num", String(q.completed)), q.ready ? age(q.oldestReadyAgeSeconds) : "—",
                q.concurrencyLimit == null ? "—" : String(q.concurrencyLimit), cell("", action)]);
              element.dataset.queue = q.queue;
              element.dataset.paused = String(q.paused);
              return element;
            }, "No queue has jobs yet: enqueue demo jobs below.");
            const depth = queues.reduce((sum, q) => sum + q.ready + q.scheduled + q.running, 0);
            byId("jobs-depth-now").textContent = String(depth);
            depthHistory.push(depth);
            if (depthHistory.length > 300) depthHistory.shift();
            const peak = Math.max(1, ...depthHistory);
            const points = depthHistory.map((value, index) =>
              (index * 300 / Math.max(depthHistory.length - 1, 1)).toFixed(1) + "," + (78 - value / peak * 74).toFixed(1))
              .join(" ");
            const shapes = [svgNode("line", { class: "axis", x1: 0, y1: 78, x2: 300, y2: 78 })];
            if (depthHistory.length > 1) shapes.push(svgNode("polyline", { class: "depth", points }));
            byId("jobs-depth").replaceChildren(...shapes);
          }

          function showActivity(buckets) {
            const minute = 60000, slots = 15, current = Math.floor(Date.now() / minute);
            const totals = Array.from({ length: slots }, () => ({ completed: 0, dead: 0, cancelled: 0 }));
            for (const bucket of buckets) {
              const slot = slots - 1 - (current - Math.floor(Date.parse(bucket.minute) / minute));
              if (slot < 0 || slot >= slots) continue;
              for (const kind of ["completed", "dead", "cancelled"]) totals[slot][kind] += bucket[kind];
            }
            const peak = Math.max(1, ...totals.map((t) => t.completed + t.dead + t.cancelled));
            const width = 300 / slots, shapes = [svgNode("line", { class: "axis", x1: 0, y1: 79, x2: 300, y2: 79 })];
            totals.forEach((total, index) => {
              let y = 80;
              for (const kind of ["completed", "dead", "cancelled"]) {
                const height = total[kind] / peak * 76;
                if (height <= 0) continue;
                y -= height;
                const bar = svgNode("rect", { class: kind, x: index * width + 1, y, width: width - 2, height });
                bar.appendChild(svgNode("title", {})).textContent = total[kind] + " " + kind;
                shapes.push(bar);
              }
            });
            byId("jobs-throughput").replaceChildren(...shapes);
            byId("jobs-throughput-peak").textContent = String(Math.max(0, ...totals.map((t) => t.completed + t.dead + t.cancelled)));
          }

          function showWorkers(workers) {
            fill("jobs-workers", workers.map((w) => ({ ...w, lastSeenAt: since(w.lastSeenAt) })), 6, (worker) =>
              row("jobs-worker", undefined, [cell("", node("code", "", worker.id)), worker.host, String(worker.pid),
                worker.queues.join(", "), worker.lastSeenAt,
                worker.running.length ? worker.running.map((id) => "#" + id).join(" ") : "idle"]),
              "No worker has reported in the last minute.");
          }

          function showRunning(jobs, workers) {
            const byWorker = new Map(workers.map((worker) => [worker.id, worker]));
            fill("jobs-running", jobs, 7, (job) => {
              const worker = byWorker.get(job.workerID);
              return row("jobs-running-job", job.id, ["#" + job.id, cell("", node("code", "", job.kind)), job.queue,
                job.attempt + " of " + job.maxAttempts,
                worker ? worker.host + " (pid " + worker.pid + ")" : job.workerID || "—",
                job.leaseExpiresAt ? until(job.leaseExpiresAt) : "—", cell("", button("Cancel", "cancel", job.id))]);
            }, "No job is running.");
          }

          function showRetrying(jobs) {
            const failing = jobs.filter((job) => job.lastError).map((job) => ({ ...job, next: until(job.runAt) }));
            fill("jobs-retrying", failing, 7, (job) =>
              row("jobs-retrying-job", job.id, ["#" + job.id, cell("", node("code", "", job.kind)), job.queue,
                job.attempt + " of " + job.maxAttempts, job.next, cell("jobs-error", job.lastError),
                cell("", button("Cancel", "cancel", job.id))]),
              "No pending job has failed.");
          }

          function showDead(jobs) {
            fill("jobs-dead", jobs, 7, (job) => {
              const element = row("jobs-dead-job", job.id, ["#" + job.id, cell("", node("code", "", job.kind)),
                job.queue, String(job.attempt), job.finishedAt ? new Date(job.finishedAt).toLocaleTimeString() : "—", cell("jobs-error", job.lastError || ""),
                cell("", button("Inspect", "inspect", job.id), " ", button("Replay", "replay", job.id), " ",
                  button("Purge", "purge", job.id))]);
              element.dataset.finishedAt = job.finishedAt || "";
              element.dataset.selected = String(inspected === job.id);
              return element;
            }, "The dead-letter queue is empty.");
          }

          const filter = () => {
            const form = byId("jobs-dlq-filter");
            return { queue: form.elements.queue.value.trim(), kind: form.elements.kind.value.trim() };
          };

          async function update() {
            const [queues, activity, workers] = await Promise.all([
              Mastery.get(url("/queues")), Mastery.get(url("/activity", { minutes: 15 })), Mastery.get(url("/workers")),
            ]);
            showQueues(queues.queues);
            showActivity(activity.activity);
            showWorkers(workers.workers);
            const reads = [
              [url("", { state: "running", limit: 100 }), "jobs-running", 7, (list) => showRunning(list.jobs, workers.workers)],
              [url("", { state: "pending", limit: 200 }), "jobs-retrying", 7, (list) => showRetrying(list.jobs)],
              [url("/dead", { ...filter(), limit: 100 }), "jobs-dead", 7, (list) => showDead(list.jobs)],
            ];
            await Promise.all(reads.map(async ([path, bodyId, columns, show]) => {
              try { show(await Mastery.get(path)); } catch (problem) { failed(bodyId, columns, problem); }
            }));
            root.dataset.updates = String(Number(root.dataset.updates) + 1);
            byId("jobs-live").textContent = "live: updated " + new Date().toLocaleTimeString();
          }

          async function inspect(id) {
            const detail = await Mastery.get(url("/" + encodeURIComponent(id)));
            const job = detail.job;
            inspected = job.id;
            byId("jobs-inspect-id").textContent = "#" + job.id;
            byId("jobs-inspect-summary").textContent = job.kind + " on " + job.queue + " · " + job.state +
              " · attempt " + job.attempt + " of " + job.maxAttempts + (job.uniqueKey ? " · unique key " + job.uniqueKey : "");
            byId("jobs-inspect-payload").textContent = JSON.stringify(job.payload, null, 2);
            const attempts = detail.attempts.map((a) => row("jobs-attempt", undefined, [String(a.attempt),
              cell("", node("code", "", a.workerID)), since(a.startedAt),
              a.durationSeconds == null ? "—" : (a.durationSeconds * 1000).toFixed(0) + " ms",
              cell("", node("span", "pill", a.outcome)), cell("jobs-error", a.error || "")]));
            byId("jobs-inspect-attempts").replaceChildren(...attempts);
            const panel = byId("jobs-inspect");
            panel.hidden = false;
            panel.dataset.id = String(job.id);
          }

          async function act(action, target) {
            const id = target.dataset.id ? Number(target.dataset.id) : undefined;
            const result = byId("jobs-dlq-result");
            switch (action) {
              case "inspect": return inspect(id).catch(Mastery.showProblem);
              case "replay": {
                const answer = await Mastery.send("POST", url("/dead/replay"), { ids: [id] });
                result.textContent = "Replayed " + answer.replayed.length + ".";
                break;
              }
              case "purge": {
                const answer = await Mastery.send("POST", url("/dead/purge"), { ids: [id] });
                result.textContent = "Purged " + answer.purged + ".";
                if (inspected === id) { byId("jobs-inspect").hidden = true; inspected = null; }
                break;
              }
              case "cancel": await Mastery.send("POST", url("/" + id + "/cancel")); break;
              case "pause": case "resume":
                await Mastery.send("PUT", url("/queues/" + encodeURIComponent(target.dataset.queue)),
                  { paused: action === "pause" });
                break;
              default: return;
            }
            await update();
          }

          root.addEventListener("click", (event) => {
            const target = event.target.closest("button[data-action]");
            if (!target || !root.contains(target)) return;
            target.disabled = true;
            // Mastery.send has shown a refused write in the toast; a failed refresh shows on #jobs-live at the next poll.
            act(target.dataset.action, target).catch(() => {}).finally(() => { target.disabled = false; });
          });

          const bulk = async (verb) => {
            const selection = { ...filter(), limit: 1000 };
            for (const name of ["queue", "kind"]) if (!selection[name]) delete selection[name];
            const answer = await Mastery.send("POST", url("/dead/" + verb), selection);
            byId("jobs-dlq-result").textContent = verb === "replay" ? "Replayed " + answer.replayed.length + "."
              : "Purged " + answer.purged + ".";
            if (verb === "purge") { byId("jobs-inspect").hidden = true; inspected = null; }
            await update();
          };
          byId("jobs-dead-replay-all").addEventListener("click", () => bulk("replay").catch(() => {}));
          byId("jobs-dead-purge-all").addEventListener("click", () => bulk("purge").catch(() => {}));
          byId("jobs-inspect-close").addEventListener("click", () => {
            byId("jobs-inspect").hidden = true;
            inspected = null;
          });
          byId("jobs-dlq-filter").addEventListener("submit", (event) => {
            event.preventDefault();
            update().catch(() => {});
          });
          byId("jobs-demo-form").addEventListener("submit", async (event) => {
            event.preventDefault();
            const form = event.currentTarget, result = byId("jobs-demo-result");
            const body = { count: Number(form.elements.count.value), durationMs: Number(form.elements.durationMs.value),
              failureRate: Number(form.elements.failureRate.value), poison: form.elements.poison.checked };
            try {
              const answer = await Mastery.send("POST", url("/demo"), body);
              const ids = answer.jobs.map((job) => job.id);
              result.textContent = "Enqueued " + ids.length + (ids.length ? " (#" + ids[0] +
                (ids.length > 1 ? "–#" + ids[ids.length - 1] : "") + ")" : "") + ".";
              result.dataset.count = String(Number(result.dataset.count || 0) + ids.length);
              await update();
            } catch (problem) {
              result.textContent = Mastery.problemText(problem);
            }
          });
          Mastery.poll(update, { interval: 2000, maxInterval: 30000, element: byId("jobs-live") });
        })();
        """
}
