extension APIReferencePage {
    /// The page's style sheet (`text/css`), on top of the dashboard's: method badges, operation cards, field tables.
    static let style = """
        #api-docs nav.toc ul { columns: 2; padding-left: 1.2rem; }
        #api-docs section.system { margin-top: 2rem; }
        #api-docs section.system > h2 code { font-size: 1rem; color: var(--muted); }
        #api-docs .summary, #api-docs .muted { color: var(--muted); }
        #api-docs article.operation, #api-docs article.schema { background: #fff; border: 1px solid var(--line);
          border-radius: 6px; padding: .6rem 1rem; margin: .8rem 0; }
        #api-docs article h3 { font-size: 1.05rem; margin: .2rem 0 .4rem; display: flex; gap: .6rem;
          align-items: center; flex-wrap: wrap; }
        #api-docs article h4 { font-size: .9rem; margin: .8rem 0 .3rem; text-transform: uppercase;
          color: var(--muted); }
        #api-docs code.path { font-size: 1rem; word-break: break-all; }
        #api-docs .method { display: inline-block; min-width: 4.2rem; text-align: center; padding: .1rem .5rem;
          border-radius: 4px; font: 700 .8rem ui-monospace, monospace; color: #fff; background: #6b7280; }
        #api-docs .method[data-method="get"] { background: #2856d9; }
        #api-docs .method[data-method="post"] { background: #0f7b3f; }
        #api-docs .method[data-method="put"], #api-docs .method[data-method="patch"] { background: #b45309; }
        #api-docs .method[data-method="delete"] { background: #b42318; }
        #api-docs .auth { font-size: .75rem; padding: .05rem .5rem; border-radius: 999px; background: #fef3c7;
          color: #92400e; }
        #api-docs .auth.open { background: #e0f2fe; color: #075985; }
        #api-docs .required { font-size: .7rem; color: var(--bad); }
        #api-docs table.fields { width: 100%; border-collapse: collapse; font-size: .9rem; }
        #api-docs table.fields th, #api-docs table.fields td { text-align: left; padding: .3rem .5rem;
          border-bottom: 1px solid var(--line); vertical-align: top; }
        #api-docs td.status { font: 700 .9rem ui-monospace, monospace; }
        #api-docs td.status[data-status="2xx"] { color: var(--ok); }
        #api-docs td.status[data-status="4xx"], #api-docs td.status[data-status="5xx"] { color: var(--bad); }
        """
}
