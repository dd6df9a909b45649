/// The `/systems/progress` page's stylesheet and script, served by ``ProgressController`` at ``stylesheetPath`` and
/// ``scriptPath`` so the page needs no inline `<style>`, `style="…"`, `<script>` or event handler (the server's
/// Content-Security-Policy allows scripts and styles from `'self'` only).
enum ProgressPageAssets {
    /// Where the stylesheet is served.
    static let stylesheetPath = "/systems/progress/page.css"
    /// Where the script is served.
    static let scriptPath = "/systems/progress/page.js"

    /// The page's styles. A bar's fill width follows its `data-percent` (0–100, an integer the page computes), one
    /// rule per value, so no inline style is needed.
    static let stylesheet = """
        .progress { margin: .4rem 0; } .progress-label { font-size: .85rem; color: var(--muted); }
        .bar { height: .6rem; background: var(--line); border-radius: 999px; overflow: hidden; }
        .bar > span { display: block; height: 100%; width: 0; background: var(--ok); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: .75rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .75rem; }
        .card header { font-weight: 600; } .card .num { color: var(--muted); font-variant-numeric: tabular-nums; }
        .card p { margin: .35rem 0; } .card .dates, .card .notes { font-size: .85rem; color: var(--muted); }
        .card[data-status="completed"] { border-left: 4px solid var(--ok); }
        .card[data-status="inProgress"] { border-left: 4px solid #d4a106; }
        .card[data-status="skipped"] { opacity: .7; }
        svg.burnup { width: 100%; max-width: 720px; background: #fff; border: 1px solid var(--line); }
        svg.burnup .grid { stroke: var(--line); } svg.burnup .axis { font-size: 11px; fill: var(--muted); }
        svg.burnup .plan { fill: none; stroke: var(--muted); stroke-dasharray: 5 4; stroke-width: 2; }
        svg.burnup .actual { fill: none; stroke: var(--accent); stroke-width: 2.5; }
        svg.burnup .completion { fill: var(--accent); } svg.burnup .today { stroke: var(--bad); stroke-dasharray: 2 3; }
        .legend .key { display: inline-block; width: 1.5rem; height: 0; border-top: 3px solid var(--accent); vertical-align: middle; }
        .legend .key.plan { border-top: 3px dashed var(--muted); }
        .skills { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: .5rem 1rem; }
        .skills h3 { font-size: 1rem; margin: .5rem 0 .2rem; } .skills ul, #milestones ul { list-style: none; padding: 0; margin: 0; }
        li[data-checked="true"] { color: var(--ok); } .muted { color: var(--muted); }

        """
        + (0...100).map { #".bar[data-percent="\#($0)"] > span { width: \#($0)%; }"# }.joined(separator: "\n") + "\n"

    /// The buttons post through the dashboard's `Mastery.send` (session cookie + CSRF token); a refusal shows the
    /// server's problem in `#progress-message`, a success reloads the page.
    static let script = """
        "use strict";
        document.addEventListener("click", async (event) => {
          const button = event.target.closest("button[data-action]");
          if (!button) return;
          const message = document.getElementById("progress-message");
          message.hidden = true;
          button.disabled = true;
          try {
            await Mastery.send("POST", "/v1/progress/projects/" + encodeURIComponent(button.dataset.project) + "/" + button.dataset.action);
            location.reload();
          } catch (problem) {
            message.textContent = problem && problem.detail ? problem.title + ": " + problem.detail : String(problem);
            message.hidden = false;
            button.disabled = false;
          }
        });

        """
}
