import Dashboard

/// The `/systems/ratelimit` page's content (the frame is added by `DashboardRenderer`): ``context``, a pure function
/// of the policies and a statistics snapshot, rendered with ``RateLimitPageTemplates/page``, so it is tested
/// without a server. The template escapes every name, key and error text; the ids and `data-*` attributes are what
/// the page's script (and the browser test) find.
struct RateLimitPageContent: Sendable {
    /// How many of the most limited keys the page lists.
    static let limitedKeyCount = 10
    /// How many policies the page lists (the first by name); a note links to the paged API for the rest.
    static let policyRowLimit = 100

    var policies: Result<[RateLimitPolicy], any Error>
    var statistics: RateLimitStatistics.Snapshot
    var usingFallback: Bool
    var storeName: String
    var burstSize: Int
    /// The page's path (its stylesheet and script are served beside it).
    var basePath: String
    /// The path of the limiter's API (`/v1/ratelimit`): the statistics, the demo route and the policies are under it.
    var apiPath: String

    /// The page's own stylesheet and script, linked by the frame.
    var assets: PageAssets { .beside(basePath) }

    /// The page's HTML without the frame.
    func html(renderer: DashboardRenderer) -> String {
        renderer.render(template: RateLimitPageTemplates.page, context: context)
    }

    /// What the template reads. Mustache looks a name up in the enclosing contexts when the current one lacks it,
    /// so a row's names differ from the page's (`allowedCount`, `keyDenied`).
    struct Context {
        struct Row {
            var name: String
            var algorithm: String
            var limit: String
            var burst: String
            var onStoreFailure: String
            var allowedCount: Int
            var deniedCount: Int
        }
        struct LimitedKey {
            var policy: String
            var key: String
            var keyDenied: Int
        }
        struct More {
            var shown: Int
            var count: Int
        }
        var statsPath: String
        var demoPath: String
        var policiesPath: String
        var storeName: String
        var usingFallback: Bool
        var allowed: Int
        var denied: Int
        var fallbackDecisions: Int
        var policiesError: String?
        var noPolicies: Bool
        var hasPolicies: Bool
        var policyRows: [Row]
        var more: More?
        var limitedKeys: [LimitedKey]
        var burstSize: Int
    }

    var context: Context {
        var rows: [Context.Row] = []
        var more: Context.More? = nil
        var error: String? = nil
        switch policies {
        case .failure(let failure):
            error = "\(failure)"
        case .success(let policies):
            let shown = policies.prefix(Self.policyRowLimit)
            rows = shown.map(row)
            if policies.count > shown.count { more = Context.More(shown: shown.count, count: policies.count) }
        }
        return Context(
            statsPath: apiPath + "/stats",
            demoPath: apiPath + "/demo",
            policiesPath: apiPath + "/policies",
            storeName: storeName,
            usingFallback: usingFallback,
            allowed: statistics.allowed,
            denied: statistics.denied,
            fallbackDecisions: statistics.fallbackDecisions,
            policiesError: error,
            noPolicies: error == nil && rows.isEmpty,
            hasPolicies: !rows.isEmpty,
            policyRows: rows,
            more: more,
            limitedKeys: statistics.limitedKeys.map {
                Context.LimitedKey(policy: $0.policy, key: $0.key, keyDenied: $0.denied)
            },
            burstSize: burstSize
        )
    }

    func row(_ policy: RateLimitPolicy) -> Context.Row {
        let counts = statistics.policies[policy.name] ?? RateLimitStatistics.Counts()
        return Context.Row(
            name: policy.name,
            algorithm: policy.algorithm.rawValue,
            limit: policy.limitLabel,
            burst: policy.burst.map(String.init) ?? "—",
            onStoreFailure: policy.onStoreFailure.label,
            allowedCount: counts.allowed,
            deniedCount: counts.denied
        )
    }
}
