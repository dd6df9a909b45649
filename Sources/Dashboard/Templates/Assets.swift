/// The kit's stylesheet and script (``PageAssets/kitStylesheetPath``, ``PageAssets/kitScriptPath``), served from
/// memory by ``DashboardController``.
enum Assets {
    /// The shared stylesheet: the frame, tables, pills, `data-state` styles and the status glyphs, which are CSS
    /// shapes (`::before`) beside their text, so they render without an emoji font.
    static let css = """
        :root { --fg:#1d2430; --muted:#6b7280; --line:#e5e7eb; --ok:#0f7b3f; --bad:#b42318; --accent:#2856d9; --warn:#d4a106; }
        * { box-sizing: border-box; }
        body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:#fafafa; }
        header.top { display:flex; gap:1.5rem; align-items:center; padding:.75rem 1.5rem; background:#111827; color:#fff; }
        header.top a { color:#e5e7eb; text-decoration:none; margin-right:1rem; }
        header.top .brand { font-weight:700; color:#fff; }
        main { max-width: 1200px; margin: 1.5rem auto; padding: 0 1.5rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
        .lede { color: var(--muted); margin-top: 0; }
        .muted { color: var(--muted); }
        table.systems { width:100%; border-collapse: collapse; background:#fff; border:1px solid var(--line); }
        table.systems th, table.systems td { text-align:left; padding:.45rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
        table.systems td.summary { color: var(--muted); font-size: .85rem; }
        td.num { font-variant-numeric: tabular-nums; color: var(--muted); }
        .pill { display:inline-block; white-space:nowrap; padding:.05rem .55rem; border-radius:999px; font-size:.8rem; background:#e5e7eb; color:#374151; }
        .pill.ok, .pill[data-state="ready"], .pill[data-state="ok"] { background:#dcfce7; color: var(--ok); }
        .pill.muted { background:#f3f4f6; color: var(--muted); }
        .pill[data-state="unready"], .pill[data-state="shutting-down"], .pill[data-state="error"] { background:#fee4e2; color: var(--bad); }
        [data-state="loading"] { opacity: .75; }
        [data-state="error"], .error { color: var(--bad); }
        #toast { position: fixed; bottom: 1rem; right: 1rem; max-width: 28rem; }
        #toast .problem { background:#fff; border:1px solid var(--bad); border-left-width:4px; padding:.6rem .8rem; margin-top:.5rem; }
        form.login { display:flex; gap:.75rem; align-items:end; }

        /* Status glyphs: a shape drawn beside the text, never a character from an emoji font. */
        .status { display:inline-flex; align-items:center; gap:.35em; white-space:nowrap; }
        .status::before, .check::before { content:""; flex:none; display:inline-block; width:.9em; height:.9em; box-sizing:border-box; }
        .status[data-glyph="todo"]::before { border:2px solid var(--muted); border-radius:2px; }
        .status[data-glyph="active"]::before { border:2px solid var(--warn); border-radius:50%; background:linear-gradient(90deg, var(--warn) 50%, transparent 50%); }
        .status[data-glyph="done"]::before, .status[data-glyph="ok"]::before { width:.45em; height:.8em; margin:0 .2em 0 .25em; border:solid var(--ok); border-width:0 .2em .2em 0; transform:translateY(-.1em) rotate(45deg); }
        .status[data-glyph="skipped"]::before { background:var(--muted); clip-path:polygon(0 0, 50% 50%, 50% 0, 100% 50%, 50% 100%, 50% 50%, 0 100%); }
        .status[data-glyph="error"]::before { border-radius:50%; background:var(--bad); }
        .check::before { border:2px solid var(--muted); border-radius:2px; margin-right:.4em; vertical-align:-.1em; }
        .check[data-checked="true"]::before { border-color:var(--ok); background:linear-gradient(var(--ok), var(--ok)) center / 50% 50% no-repeat; }
        """
}
