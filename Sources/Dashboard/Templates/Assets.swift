/// The dashboard's stylesheet and script, served from memory.
enum Assets {
    static let css = """
        :root { --fg:#1d2430; --muted:#6b7280; --line:#e5e7eb; --ok:#0f7b3f; --bad:#b42318; --accent:#2856d9; }
        * { box-sizing: border-box; }
        body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:#fafafa; }
        header.top { display:flex; gap:1.5rem; align-items:center; padding:.75rem 1.5rem; background:#111827; color:#fff; }
        header.top a { color:#e5e7eb; text-decoration:none; margin-right:1rem; }
        header.top .brand { font-weight:700; color:#fff; }
        main { max-width: 1200px; margin: 1.5rem auto; padding: 0 1.5rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
        .lede { color: var(--muted); margin-top: 0; }
        table.systems { width:100%; border-collapse: collapse; background:#fff; border:1px solid var(--line); }
        table.systems th, table.systems td { text-align:left; padding:.45rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
        table.systems td.summary { color: var(--muted); font-size: .85rem; }
        td.num { font-variant-numeric: tabular-nums; color: var(--muted); }
        .pill { display:inline-block; white-space:nowrap; padding:.05rem .55rem; border-radius:999px; font-size:.8rem; background:#e5e7eb; color:#374151; }
        .pill.ok, .pill[data-state="ready"] { background:#dcfce7; color: var(--ok); }
        .pill.muted { background:#f3f4f6; color: var(--muted); }
        .pill[data-state="unready"], .pill[data-state="shutting-down"] { background:#fee4e2; color: var(--bad); }
        .error { color: var(--bad); }
        #toast { position: fixed; bottom: 1rem; right: 1rem; max-width: 28rem; }
        #toast .problem { background:#fff; border:1px solid var(--bad); border-left-width:4px; padding:.6rem .8rem; margin-top:.5rem; }
        form.login { display:flex; gap:.75rem; align-items:end; }
        """

    static let javascript = """
        "use strict";
        // Shared helpers for every dashboard page: CSRF-protected requests and problem+json display.
        const Mastery = {
          csrfToken() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; },
          async send(method, url, body) {
            const headers = { "X-CSRF-Token": Mastery.csrfToken() };
            if (body !== undefined) headers["Content-Type"] = "application/json";
            const response = await fetch(url, { method, headers, credentials: "same-origin",
              body: body === undefined ? undefined : JSON.stringify(body) });
            const type = response.headers.get("Content-Type") || "";
            const data = type.includes("json") ? await response.json() : await response.text();
            if (!response.ok) { Mastery.showProblem(data); throw data; }
            return data;
          },
          showProblem(problem) {
            const toast = document.getElementById("toast");
            if (!toast) return;
            const box = document.createElement("div");
            box.className = "problem";
            box.textContent = (problem && problem.title ? problem.title + ": " + (problem.detail || "") : String(problem));
            toast.appendChild(box);
            setTimeout(() => box.remove(), 8000);
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
            }
          },
        };
        document.addEventListener("DOMContentLoaded", () => {
          Mastery.refreshReadiness();
          setInterval(Mastery.refreshReadiness, 5000);
        });
        """
}
