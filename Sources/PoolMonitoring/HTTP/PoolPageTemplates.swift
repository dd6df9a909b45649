/// The pool page's template and style sheet. The template is registered in the page's `DashboardRenderer`
/// (``PoolPage/templates``); the kit escapes every `{{value}}` and nothing is rendered raw. The context is
/// ``PoolPageContent/Context``. The ids and `data-*` attributes are what the page's script (``PoolPageScript``)
/// and the browser test find.
enum PoolPageTemplates {
    /// The page's template's name.
    static let page = "pool/page"

    /// Every template by name.
    static let all: [String: String] = [page: pageTemplate]

    static let pageTemplate = """
        <div id="pool" data-api="{{apiPath}}" data-updates="0" data-configured="{{configured}}">
        <h1>Connection pool</h1>
        <p class="lede">The server's shared PostgreSQL pool, from which every system borrows. \
        <span id="pool-live" class="muted">live: waiting for the first update</span></p>
        {{^signedIn}}<p class="error" id="pool-signed-out">The live counts, the charts and resizing need a \
        session: <a href="/dashboard/login">sign in</a>.</p>{{/signedIn}}
        {{^configured}}<p class="error" id="pool-none">This server has no PostgreSQL tier (postgresURL), so it has no \
        pool.</p>{{/configured}}

        <section id="pool-counts-section"><h2>Now</h2>
        <table class="systems" id="pool-counts"><thead><tr>{{#counts}}<th>{{label}}</th>{{/counts}}</tr></thead>
        <tbody><tr>{{#counts}}<td class="num" data-field="{{id}}">{{value}}</td>{{/counts}}</tr></tbody></table>
        <table class="systems" id="pool-counters"><thead><tr>{{#counters}}<th>{{label}}</th>{{/counters}}</tr>\
        </thead>
        <tbody><tr>{{#counters}}<td class="num" data-field="{{id}}">{{value}}</td>{{/counters}}</tr></tbody></table>
        <p id="pool-server-view" class="muted">PostgreSQL's view (pg_stat_activity): checked at the first update.</p>
        </section>

        <section id="pool-charts" class="pool-charts">
        <figure><figcaption>Connections, one sample a second \
        (<span class="pool-key in-use">in use</span>, <span class="pool-key idle">idle</span>, \
        <span class="pool-key waiting">waiting</span>) · peak <span id="pool-connections-peak">0</span></figcaption>
        <svg id="pool-chart-connections" class="pool-chart" viewBox="0 0 300 80" preserveAspectRatio="none" \
        role="img" aria-label="Connections in use, idle and acquires waiting over the last minutes" \
        data-samples="0"></svg></figure>
        <figure><figcaption>p95 acquire wait per second · now <span id="pool-wait-now">0</span> ms · peak \
        <span id="pool-wait-peak">0</span> ms</figcaption>
        <svg id="pool-chart-wait" class="pool-chart" viewBox="0 0 300 80" preserveAspectRatio="none" role="img" \
        aria-label="The 95th percentile of acquire waits over the last minutes" data-samples="0"></svg></figure>
        </section>

        <section id="pool-autoscaler"><h2>Autoscaler</h2>
        <p id="pool-autoscaler-state" class="muted">Its state comes with the first update.</p>
        <table class="systems" id="pool-decisions" data-count="0"><thead><tr><th>Tick</th><th>Action</th>\
        <th>Rule</th><th>Size</th><th>p95 wait (ms)</th><th>Reason</th></tr></thead>
        <tbody><tr class="muted"><td colspan="6">No change made or blocked yet.</td></tr></tbody></table>
        </section>

        <section id="pool-resize"><h2>Resize</h2>
        <p>The pool grows to a new minimum at once; idle connections above a new maximum close at once, held ones \
        when they are returned. Up to {{maximumAllowed}} connections.</p>
        <form id="pool-resize-form" class="pool-inline">
        <label>Minimum <input name="minimum" type="number" min="0" max="{{maximumAllowed}}" value="{{minimum}}" \
        required></label>
        <label>Maximum <input name="maximum" type="number" min="1" max="{{maximumAllowed}}" value="{{maximum}}" \
        required></label>
        <button type="submit">Resize</button>
        <span id="pool-resize-result" class="muted"></span>
        </form>
        </section>
        </div>
        """

    /// The style sheet (`text/css`), scoped by `#pool`.
    static let style = """
        #pool section { margin: 1.5rem 0; }
        #pool td.num { text-align: right; }
        #pool .pool-charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
        #pool figure { margin: 0; flex: 1 1 22rem; }
        #pool figcaption { color: var(--muted); font-size: .85rem; }
        #pool svg.pool-chart { width: 100%; height: 110px; background: #fff; border: 1px solid var(--line); }
        #pool svg polyline { fill: none; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
        #pool svg polyline.in-use, #pool .pool-key.in-use { stroke: var(--accent); color: var(--accent); }
        #pool svg polyline.idle, #pool .pool-key.idle { stroke: var(--ok); color: var(--ok); }
        #pool svg polyline.waiting, #pool .pool-key.waiting { stroke: var(--bad); color: var(--bad); }
        #pool svg polyline.wait { stroke: var(--accent); }
        #pool svg line.axis { stroke: var(--line); vector-effect: non-scaling-stroke; }
        #pool form.pool-inline { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
        #pool input[type=number] { width: 6rem; }
        #pool #pool-server-view[data-agrees="false"] { color: var(--bad); }
        """
}
