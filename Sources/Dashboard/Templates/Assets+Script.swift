extension Assets {
    /// The shared script: `window.Mastery`, used by the frame (live readiness) and by every page's own script.
    ///
    /// - `Mastery.csrfToken()`: the session's token from `<meta name="csrf-token">` (empty without a session).
    /// - `Mastery.request(method, url, {body, signal})`: a same-origin `fetch` (a URL on another origin is refused
    ///   before anything is sent) with the session cookie, `X-CSRF-Token` on every method but GET/HEAD, a JSON body,
    ///   and the answer parsed as JSON (problem+json too) or text; a non-2xx answer rejects with its problem
    ///   (`{type, title, status, detail}`, made up from the status when the body is not a problem).
    /// - `Mastery.get(url)`, `Mastery.send(method, url, body)`: `request` for reading, and for writing with the
    ///   problem also shown in the frame's toast.
    /// - `Mastery.poll(task, {interval, maxInterval, element})`: runs `task` now and again `interval` ms after each
    ///   run ends; after a failure the wait doubles up to `maxInterval`, and the next success returns to `interval`.
    ///   Paused while the tab is hidden. `element`'s `data-state` is `loading`, `ok` or `error`. Returns
    ///   `{stop()}`.
    /// - `Mastery.setState(element, state)`, `Mastery.problemText(problem)`, `Mastery.showProblem(problem)`.
    static let javascript = """
        "use strict";
        // The dashboard kit's script (Sources/Dashboard/README.md): same-origin requests with the CSRF token,
        // problem+json handling, polling with back-off and data-state attributes. Writes text, never HTML.
        const Mastery = {
          csrfToken() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; },

          setState(element, state) { if (element) element.dataset.state = state; },

          problemText(problem) {
            if (problem && problem.title) return problem.title + (problem.detail ? ": " + problem.detail : "");
            return String(problem);
          },

          async request(method, url, options = {}) {
            const target = new URL(url, location.href);
            if (target.origin !== location.origin) {
              throw { title: "Refused", detail: "Mastery.request only talks to this server, not " + target.origin };
            }
            const headers = { "Accept": "application/json, application/problem+json;q=0.9, */*;q=0.5" };
            if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = Mastery.csrfToken();
            if (options.body !== undefined) headers["Content-Type"] = "application/json";
            let response;
            try {
              response = await fetch(target, { method, headers, credentials: "same-origin", cache: "no-store",
                signal: options.signal, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
            } catch (error) {
              throw { title: "Server unreachable", detail: error.message };
            }
            const type = response.headers.get("Content-Type") || "";
            const data = type.includes("json") ? await response.json().catch(() => null) : await response.text();
            if (!response.ok) {
              if (data && typeof data === "object" && data.title) throw data;
              throw { title: response.statusText || "HTTP " + response.status, status: response.status,
                detail: typeof data === "string" ? data.slice(0, 200) : "" };
            }
            return data;
          },

          get(url) { return Mastery.request("GET", url); },

          async send(method, url, body) {
            try {
              return await Mastery.request(method, url, { body });
            } catch (problem) {
              Mastery.showProblem(problem);
              throw problem;
            }
          },

          showProblem(problem) {
            const toast = document.getElementById("toast");
            if (!toast) return;
            const box = document.createElement("div");
            box.className = "problem";
            box.textContent = Mastery.problemText(problem);
            toast.appendChild(box);
            setTimeout(() => box.remove(), 8000);
          },

          poll(task, options = {}) {
            const interval = options.interval || 1000, maxInterval = options.maxInterval || 30000;
            let delay = interval, timer = null, stopped = false, running = false;
            const schedule = () => {
              if (stopped || document.hidden) return;
              timer = setTimeout(run, delay);
            };
            const run = async () => {
              timer = null;
              if (stopped || running) return;
              running = true;
              if (options.element && !options.element.dataset.state) Mastery.setState(options.element, "loading");
              try {
                await task();
                delay = interval;
                Mastery.setState(options.element, "ok");
              } catch (error) {
                delay = Math.min(delay * 2, maxInterval);
                Mastery.setState(options.element, "error");
              } finally {
                running = false;
                schedule();
              }
            };
            document.addEventListener("visibilitychange", () => {
              if (!document.hidden && !timer && !running && !stopped) run();
            });
            run();
            return { stop() { stopped = true; if (timer) clearTimeout(timer); } };
          },

          async refreshReadiness() {
            const pill = document.getElementById("readiness");
            if (!pill) return;
            try {
              const response = await fetch("/ready", { cache: "no-store" });
              const report = await response.json();
              pill.dataset.state = report.status;
              pill.textContent = report.status + " · " + report.backends.map(b => b.name + " " + b.state).join(", ");
            } catch (error) {
              pill.dataset.state = "unready";
              pill.textContent = "server unreachable";
              throw error;
            }
          },
        };
        document.addEventListener("DOMContentLoaded", () => {
          Mastery.poll(Mastery.refreshReadiness, { interval: 5000, maxInterval: 60000 });
        });

        """
}
