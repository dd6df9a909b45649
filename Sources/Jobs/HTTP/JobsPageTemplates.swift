/// The jobs page's template and style sheet. The template is registered in the page's `DashboardRenderer`
/// (``JobsPage/templates``); the kit escapes every `{{value}}` and nothing is rendered raw. The context is
/// ``JobsPageContent/Context``. The ids and `data-*` attributes are what the page's script (``JobsPageScript``) and
/// the browser test find.
enum JobsPageTemplates {
    /// The page's template's name.
    static let page = "jobs/page"

    /// Every template by name.
    static let all: [String: String] = [page: pageTemplate, "jobs/queue-row": queueRow]

    /// One queue's row (server-rendered first paint; the script redraws the same shape).
    static let queueRow = """
        <tr class="jobs-queue" data-queue="{{queue}}" data-paused="{{paused}}">\
        <td><code>{{queue}}</code>{{#paused}} <span class="pill">paused</span>{{/paused}}</td>\
        <td class="num" data-field="ready">{{ready}}</td><td class="num" data-field="scheduled">{{scheduled}}</td>\
        <td class="num" data-field="running">{{running}}</td><td class="num" data-field="dead">{{dead}}</td>\
        <td class="num" data-field="completed">{{completed}}</td><td data-field="oldest">{{oldestReady}}</td>\
        <td data-field="limit">{{limit}}</td>\
        <td><button type="button" data-action="{{action}}" data-queue="{{queue}}">{{actionLabel}}</button></td></tr>
        """

    static let pageTemplate = """
        <div id="jobs" data-api="{{apiPath}}" data-updates="0">
        <h1>Job queue</h1>
        <p class="lede">Background jobs with retries, exponential back-off and a dead-letter queue. \
        <span id="jobs-live" class="muted">live: waiting for the first update</span></p>
        {{^signedIn}}<p class="error" id="jobs-signed-out">Job lists, the dead-letter queue and every action need a \
        session: <a href="/dashboard/login">sign in</a>.</p>{{/signedIn}}

        <section id="jobs-queues-section"><h2>Queues</h2>
        {{#statisticsError}}<p id="jobs-queues-error" class="error">The queues cannot be read: {{.}}</p>{{/statisticsError}}
        <table id="jobs-queues" class="systems">
        <thead><tr><th>Queue</th><th>Ready</th><th>Scheduled</th><th>Running</th><th>Dead</th><th>Completed</th>\
        <th>Oldest ready</th><th>Limit</th><th></th></tr></thead>
        <tbody id="jobs-queue-rows">
        {{#queues}}{{>jobs/queue-row}}{{/queues}}
        {{^queues}}<tr class="jobs-none"><td colspan="9" class="muted">No queue has jobs yet: enqueue demo jobs \
        below.</td></tr>{{/queues}}
        </tbody></table>
        </section>

        <section id="jobs-charts" class="jobs-charts">
        <figure><figcaption>Throughput: jobs finished per minute, last 15 minutes \
        (<span class="jobs-key completed">completed</span>, <span class="jobs-key dead">dead</span>, \
        <span class="jobs-key cancelled">cancelled</span>) · peak <span id="jobs-throughput-peak">0</span>/min\
        </figcaption>
        <svg id="jobs-throughput" class="jobs-chart" viewBox="0 0 300 80" preserveAspectRatio="none" role="img" \
        aria-label="Jobs finished per minute over the last 15 minutes"></svg></figure>
        <figure><figcaption>Depth: ready + scheduled + running, since this page opened (up to 10 minutes) · now \
        <span id="jobs-depth-now">{{depth}}</span></figcaption>
        <svg id="jobs-depth" class="jobs-chart" viewBox="0 0 300 80" preserveAspectRatio="none" role="img" \
        aria-label="Jobs waiting or running since this page opened"></svg></figure>
        </section>

        <section id="jobs-running-section"><h2>Running</h2>
        <table class="systems"><thead><tr><th>Job</th><th>Kind</th><th>Queue</th><th>Attempt</th><th>Worker</th>\
        <th>Lease expires</th><th></th></tr></thead>
        <tbody id="jobs-running"><tr class="jobs-none"><td colspan="7" class="muted">Loading…</td></tr></tbody></table>
        <h3>Workers</h3>
        <table class="systems"><thead><tr><th>Worker</th><th>Host</th><th>PID</th><th>Queues</th><th>Last seen</th>\
        <th>Running</th></tr></thead>
        <tbody id="jobs-workers"><tr class="jobs-none"><td colspan="6" class="muted">Loading…</td></tr></tbody></table>
        </section>

        <section id="jobs-failures-section"><h2>Recent failures, retrying</h2>
        <p class="muted">Pending jobs whose last attempt failed: each waits for its back-off before the next attempt.</p>
        <table class="systems"><thead><tr><th>Job</th><th>Kind</th><th>Queue</th><th>Attempt</th><th>Next attempt</th>\
        <th>Last error</th><th></th></tr></thead>
        <tbody id="jobs-retrying"><tr class="jobs-none"><td colspan="7" class="muted">Loading…</td></tr></tbody></table>
        </section>

        <section id="jobs-dlq-section"><h2>Dead-letter queue</h2>
        <form id="jobs-dlq-filter" class="jobs-inline">
        <label>Queue <input name="queue" size="12" autocomplete="off"></label>
        <label>Kind <input name="kind" size="16" autocomplete="off"></label>
        <button type="submit">Filter</button>
        <button type="button" id="jobs-dead-replay-all">Replay all</button>
        <button type="button" id="jobs-dead-purge-all">Purge all</button>
        <span id="jobs-dlq-result" class="muted"></span>
        </form>
        <table class="systems"><thead><tr><th>Job</th><th>Kind</th><th>Queue</th><th>Attempts</th><th>Died</th>\
        <th>Last error</th><th></th></tr></thead>
        <tbody id="jobs-dead"><tr class="jobs-none"><td colspan="7" class="muted">Loading…</td></tr></tbody></table>
        <div id="jobs-inspect" class="jobs-inspect" hidden>
        <h3>Job <span id="jobs-inspect-id"></span> <button type="button" id="jobs-inspect-close">Close</button></h3>
        <p id="jobs-inspect-summary"></p>
        <h4>Payload</h4><pre id="jobs-inspect-payload"></pre>
        <h4>Attempts</h4>
        <table class="systems"><thead><tr><th>#</th><th>Worker</th><th>Started</th><th>Duration</th><th>Outcome</th>\
        <th>Error</th></tr></thead><tbody id="jobs-inspect-attempts"></tbody></table>
        </div>
        </section>

        <section id="jobs-demo"><h2>Demo jobs</h2>
        <p>Enqueue <code>demo.sleep</code> jobs on the <code>demo</code> queue: each attempt waits, then fails at the \
        given rate. A failed attempt is retried after an exponential back-off (1 s, 2 s, 4 s… with jitter) up to 5 \
        attempts, then the job goes to the dead-letter queue. A poison job fails its first attempt with no retry.</p>
        <form id="jobs-demo-form" class="jobs-inline">
        <label>Count <input name="count" type="number" min="1" max="1000" value="10" required></label>
        <label>Duration (ms) <input name="durationMs" type="number" min="0" max="60000" value="500" required></label>
        <label>Failure rate <input name="failureRate" type="number" min="0" max="1" step="0.05" value="0.3" required>\
        </label>
        <label><input name="poison" type="checkbox"> poison</label>
        <button type="submit">Enqueue</button>
        <span id="jobs-demo-result" class="muted"></span>
        </form>
        </section>
        </div>
        """

    /// The style sheet (`text/css`), scoped by `#jobs`.
    static let style = """
        #jobs section { margin: 1.5rem 0; }
        #jobs td.num { text-align: right; }
        #jobs td.jobs-error { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-word; max-width: 32rem; }
        #jobs .jobs-charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
        #jobs figure { margin: 0; flex: 1 1 22rem; }
        #jobs figcaption { color: var(--muted); font-size: .85rem; }
        #jobs svg.jobs-chart { width: 100%; height: 110px; background: #fff; border: 1px solid var(--line); }
        #jobs svg rect.completed, #jobs .jobs-key.completed { fill: var(--ok); color: var(--ok); }
        #jobs svg rect.dead, #jobs .jobs-key.dead { fill: var(--bad); color: var(--bad); }
        #jobs svg rect.cancelled, #jobs .jobs-key.cancelled { fill: var(--muted); color: var(--muted); }
        #jobs svg polyline.depth { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
        #jobs svg line.axis { stroke: var(--line); vector-effect: non-scaling-stroke; }
        #jobs form.jobs-inline { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: .75rem; }
        #jobs input[type=number] { width: 6rem; }
        #jobs .jobs-inspect { background: #fff; border: 1px solid var(--line); padding: .5rem 1rem; margin-top: 1rem; }
        #jobs pre { background: #f3f4f6; padding: .5rem; overflow: auto; max-height: 20rem; white-space: pre-wrap; word-break: break-word; }
        #jobs tr[data-selected="true"] { background: #eef2ff; }
        """
}
