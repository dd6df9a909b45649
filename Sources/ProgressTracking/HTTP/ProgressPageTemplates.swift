/// The progress page's Mustache templates, registered in the page's ``DashboardRenderer`` (the kit escapes every
/// `{{value}}`; none of them renders raw HTML). The contexts are ``ProgressPage``'s nested types.
enum ProgressPageTemplates {
    /// The page's template's name.
    static let page = "progress/page"

    /// Every template by name.
    static let all: [String: String] = [
        page: pageTemplate, "progress/bar": bar, "progress/card": card, "progress/lines": lines,
        "progress/burnup": BurnUpChart.template,
    ]

    /// A progress bar (``ProgressPage/Bar``): its fill width follows `data-percent` through the page's stylesheet.
    static let bar = """
        <div class="progress"{{#barID}} id="{{barID}}"{{/barID}}><span class="progress-label">{{label}}: {{completed}}/{{total}} ({{percent}}%)</span>\
        <div class="bar" role="progressbar" aria-label="{{label}}" aria-valuemin="0" aria-valuemax="{{total}}" \
        aria-valuenow="{{completed}}" data-percent="{{percent}}"><span></span></div></div>
        """

    /// A cell's lines (``HTML/Line``), with `<br>` between them.
    static let lines = "{{#lines}}{{#br}}<br>{{/br}}{{text}}{{/lines}}"

    /// A project card (``ProgressPage/Card``), with its status glyph (the kit's `status` partial).
    static let card = """
        <article class="card" data-project="{{number}}" data-status="{{status}}">
        <header><span class="num">{{number}}</span> <span class="name">{{name}}</span></header>
        <p>{{>status}} <span class="dates">{{dates}}</span></p>
        {{#hasNotes}}<p class="notes">{{>progress/lines}}</p>{{/hasNotes}}
        {{#system}}<p class="system"><a href="{{systemPagePath}}">{{module}}</a> · <a href="{{systemAPIPath}}">API</a></p>{{/system}}\
        {{^system}}<p class="system"><span class="pill muted">not built yet</span></p>{{/system}}
        {{#hasActions}}<p class="actions">{{#actions}}<button type="button" data-action="{{action}}" data-project="{{number}}">{{title}}</button> {{/actions}}</p>{{/hasActions}}
        </article>
        """

    /// The page (``ProgressPage/Context``).
    static let pageTemplate = """
        <div id="progress" data-api="{{apiBase}}">
        <h1>{{heading}}</h1>
        <p class="lede"><strong>{{currentStatus}}</strong>{{#facts}} · {{.}}{{/facts}}</p>
        {{#pace}}<p id="pace" class="lede">Month {{monthsElapsed}} of 12: {{completedCount}} completed, {{planned}} planned by today ({{ahead}}).</p>{{/pace}}
        <p id="progress-message" class="error" role="alert" hidden></p>
        <section class="overall">
        {{#overall}}{{>progress/bar}}{{/overall}}
        {{#totals}}<p class="counts">{{completed}} completed · {{inProgress}} in progress · {{notStarted}} not started · {{skipped}} skipped</p>{{/totals}}
        </section>
        <section class="chart"><h2>Burn-up</h2>
        {{#chart}}<p class="legend"><span class="key actual"></span> completed <span class="key plan"></span> plan \
        (4 by month 3, 8 by 6, 12 by 9, 17 by 12)</p>
        {{>progress/burnup}}{{/chart}}
        {{^chart}}<p class="muted">The file has no Start Date: no plan to draw.</p>{{/chart}}
        </section>
        {{#sections}}
        <section class="progress-section" data-section="{{index}}">
        <h2>{{sectionTitle}}</h2>
        {{#sectionBar}}{{>progress/bar}}{{/sectionBar}}
        <div class="cards">
        {{#cards}}{{>progress/card}}
        {{/cards}}
        </div>
        </section>
        {{/sections}}
        {{#skills}}<section id="skills"><h2>Skills matrix</h2>
        {{#skillsBar}}{{>progress/bar}}{{/skillsBar}}
        <div class="skills">{{#groups}}<div class="skill-group"><h3>{{group}}</h3><ul>\
        {{#items}}<li class="skill check" data-checked="{{checked}}">{{text}}</li>{{/items}}</ul></div>
        {{/groups}}</div>
        </section>{{/skills}}
        {{#hasMilestones}}<section id="milestones"><h2>Milestones</h2><ul>\
        {{#milestones}}<li class="milestone check" data-checked="{{checked}}">{{>progress/lines}}</li>{{/milestones}}</ul></section>{{/hasMilestones}}
        {{#hasReflections}}<section id="reflections"><h2>Monthly reflections</h2>
        {{#reflections}}<details class="reflection" data-month="{{month}}"{{#written}} open{{/written}}><summary>Month {{month}}</summary>\
        {{#written}}<dl>{{#fields}}<dt>{{label}}</dt><dd>{{>progress/lines}}</dd>{{/fields}}</dl>{{/written}}\
        {{^written}}<p class="muted">Not written yet.</p>{{/written}}</details>
        {{/reflections}}
        </section>{{/hasReflections}}
        </div>
        """
}
