/// The 41 rows of the roadmap (`ROADMAP.md`): what the dashboard lists and what systems mount against.
public enum SystemCatalog {
    /// Every system, in roadmap order (00 is the progress tracker).
    public static let all: [SystemDescriptor] = [
        SystemDescriptor(
            number: 0,
            name: "Progress tracker",
            module: "ProgressTracking",
            slug: "progress",
            summary:
                "the seed's PROGRESS.md as a living document: lossless import/export of that exact Markdown (also as found in the wild, mojibake glyphs included), the \"Quick Update Commands\" as CLI verbs, web dashboard with progress bars, burn-up chart, skills matrix; each project links to its running system",
            anchors: "hand-edited Markdown; GitHub Projects"
        ),
        SystemDescriptor(
            number: 1,
            name: "Distributed rate limiter",
            module: "RateLimiting",
            slug: "ratelimit",
            summary:
                "GCRA, token bucket, sliding window (log and counter), fixed window; in-memory and Redis (one atomic script round trip, Redis clock); fail-open/closed with local fallback; Hummingbird middleware with IETF `RateLimit`/`RateLimit-Policy` headers, 429 + Retry-After; a decision API for other languages",
            anchors:
                "envoyproxy/ratelimit, redis-cell, gubernator; seed: 50K req/s across 10 instances; side by side: redis-benchmark EVALSHA ceiling"
        ),
        SystemDescriptor(
            number: 2,
            name: "Job queue with DLQ",
            module: "Jobs",
            slug: "jobs",
            summary:
                "PostgreSQL (SKIP LOCKED + LISTEN/NOTIFY), SQLite, memory; delayed, priority, unique jobs; transactional enqueue; leases with heartbeat and reclaim; retries with backoff + jitter; DLQ inspect/replay/purge; cancel; graceful shutdown; per-queue concurrency",
            anchors:
                "River (~46k jobs/s, 8-core M2), Sidekiq, BullMQ, swift-jobs; side by side: pgqueuer, procrastinate"
        ),
        SystemDescriptor(
            number: 3,
            name: "Connection pool monitor & autoscaler",
            module: "PoolMonitoring",
            slug: "pool",
            summary:
                "a PostgreSQL pool that resizes live; leak detection naming the holder; acquire and query timeouts (server-side cancel); Prometheus metrics; autoscaler bounded by `max_connections`; `pg_stat_activity` cross-check",
            anchors: "HikariCP, PgBouncer, psycopg-pool, PostgresNIO's pool"
        ),
        SystemDescriptor(
            number: 4,
            name: "API response cache",
            module: "ResponseCaching",
            slug: "cache",
            summary:
                "L1 in-process (byte-bounded) + L2 Redis; cache-aside, read-through, write-through; TTL and tag invalidation broadcast to every instance; single-flight, XFetch early refresh, stale-while-revalidate, stale-if-error; HTTP middleware with ETag/304, Cache-Control, Vary",
            anchors: "FusionCache, Caffeine, Varnish; side by side: nginx proxy_cache, varnish"
        ),
        SystemDescriptor(
            number: 5,
            name: "WebSocket chat",
            module: "Chat",
            slug: "chat",
            summary:
                "rooms, DMs, presence across instances, persistence, per-room ordering, history, resume after reconnect with no gap, typing, receipts, slow-consumer backpressure, auth; chat page",
            anchors: "Centrifugo (1M conns, p99 200 ms), Socket.IO + Redis adapter; seed: 10K concurrent connections"
        ),
        SystemDescriptor(
            number: 6,
            name: "Event sourcing & CQRS",
            module: "EventSourcing",
            slug: "events",
            summary:
                "event store with expected-version concurrency, streams, categories, global log, snapshots, projections with checkpoints and rebuild, sagas with compensation (orders/payments), event upcasting",
            anchors: "EventStoreDB, Marten, message-db"
        ),
        SystemDescriptor(
            number: 7,
            name: "CDC pipeline",
            module: "ChangeDataCapture",
            slug: "cdc",
            summary:
                "PostgreSQL logical replication (pgoutput over the replication protocol: PostgresNIO lacks it), snapshot + stream, LSN checkpoints, transforms, sinks, schema changes, TOAST; p99 < 100 ms",
            anchors: "Debezium, Sequin (50k ops/s, p99 253 ms)"
        ),
        SystemDescriptor(
            number: 8,
            name: "Idempotent API",
            module: "Idempotency",
            slug: "idempotency",
            summary:
                "Idempotency-Key middleware (IETF draft): fingerprint, concurrent duplicate → 409, other payload → 422, replay of the stored response, recovery points, expiry; payments demo",
            anchors: "Stripe semantics, brandur's Postgres design"
        ),
        SystemDescriptor(
            number: 9,
            name: "GraphQL with DataLoader",
            module: "GraphQLServing",
            slug: "graphql",
            summary:
                "Graphiti schema, DataLoader batching and per-request cache, complexity and depth limits, persisted queries, field caching, subscriptions (graphql-transport-ws)",
            anchors: "graphql-js + dataloader, Hot Chocolate, gqlgen"
        ),
        SystemDescriptor(
            number: 10,
            name: "Multi-tenant SaaS",
            module: "MultiTenancy",
            slug: "tenants",
            summary:
                "tenant resolution, RLS with FORCE and a non-owner role, `SET LOCAL` per transaction on pooled connections, per-tenant quotas, cross-tenant analytics path",
            anchors: "PostgREST/Supabase, Citus, django-tenants"
        ),
        SystemDescriptor(
            number: 11,
            name: "Distributed tracing",
            module: "Observability",
            slug: "tracing",
            summary:
                "swift-otel across all systems, W3C trace context through HTTP, jobs and pub/sub, head and tail sampling, built-in OTLP/HTTP collector, trace waterfall page",
            anchors: "OTel Collector, Jaeger, Tempo"
        ),
        SystemDescriptor(
            number: 12,
            name: "Circuit breaker & bulkhead",
            module: "Resilience",
            slug: "resilience",
            summary:
                "count/time windows, failure and slow-call rates, half-open probes, bulkheads, timeouts, retry budgets, fallbacks",
            anchors: "resilience4j, Polly v8"
        ),
        SystemDescriptor(
            number: 13,
            name: "Feature flags & A/B",
            module: "FeatureFlags",
            slug: "flags",
            summary:
                "targeting, segments, stable-hash rollouts, variants, kill switch, SSE updates, local evaluation, experiments with significance, OpenFeature-style provider",
            anchors: "Unleash, GrowthBook, flagd"
        ),
        SystemDescriptor(
            number: 14,
            name: "Search engine",
            module: "Search",
            slug: "search",
            summary:
                "inverted index, BM25, phrases, autocomplete, typo tolerance, filters, facets, highlight, persistence",
            anchors: "Tantivy, Meilisearch (<50 ms), SQLite FTS5"
        ),
        SystemDescriptor(
            number: 15,
            name: "API gateway",
            module: "Gateway",
            slug: "gateway",
            summary:
                "routing, streaming proxy, JWT + JWKS rotation, API keys, rate limits, caching, breakers, transforms, load balancing, health checks, hot reload",
            anchors: "Envoy, Kong, APISIX; seed: 100K req/s, <10 ms; side by side: nginx, haproxy"
        ),
        SystemDescriptor(
            number: 16,
            name: "Zero-downtime migrations",
            module: "SchemaMigration",
            slug: "migrations",
            summary:
                "expand/contract with versioned views, dual-write triggers, resumable batched backfill, lock timeouts, rollback, unsafe-DDL lint",
            anchors: "pgroll, reshape, Flyway"
        ),
        SystemDescriptor(
            number: 17,
            name: "Custom ORM",
            module: "ORM",
            slug: "orm",
            summary:
                "typed query builder (PostgreSQL, SQLite), relations, eager loading, N+1 detection, query timing and EXPLAIN capture, transactions and savepoints",
            anchors: "GRDB, Fluent, SQLAlchemy, Bullet"
        ),
        SystemDescriptor(
            number: 18,
            name: "Distributed lock",
            module: "DistributedLocking",
            slug: "locks",
            summary:
                "Redis locks and Redlock, PostgreSQL advisory locks, leases with renewal, fencing tokens, timeouts",
            anchors: "Redisson, DistributedLock, etcd"
        ),
        SystemDescriptor(
            number: 19,
            name: "Time-series pipeline",
            module: "TimeSeries",
            slug: "timeseries",
            summary:
                "ingestion, Gorilla-compressed chunks, time partitions, retention, continuous aggregates, downsampling, queries",
            anchors: "Prometheus TSDB, TimescaleDB; Gorilla: 1.37 bytes/sample"
        ),
        SystemDescriptor(
            number: 20,
            name: "OAuth2/OIDC provider",
            module: "IdentityProvider",
            slug: "oauth",
            summary:
                "auth code + PKCE, client credentials, refresh rotation with reuse detection, revocation, introspection, discovery, JWKS rotation, ID tokens, consent, TOTP",
            anchors: "Ory Hydra (5.1k introspections/s on 2 CPUs), Keycloak"
        ),
        SystemDescriptor(
            number: 21,
            name: "Webhook delivery",
            module: "Webhooks",
            slug: "webhooks",
            summary:
                "Standard Webhooks signatures, retry schedule with jitter, ordering option, endpoint health and auto-disable, replay, DLQ",
            anchors: "Svix, Convoy"
        ),
        SystemDescriptor(
            number: 22,
            name: "CDN edge cache",
            module: "EdgeCaching",
            slug: "edge",
            summary:
                "RFC 9111 shared cache, RFC 5861 stale directives, coalescing, purge by URL/tag, warming, ranges, tiered edges",
            anchors: "Varnish, nginx, ATS"
        ),
        SystemDescriptor(
            number: 23,
            name: "Audit log",
            module: "AuditLogging",
            slug: "audit",
            summary:
                "RFC 6962 Merkle log, inclusion and consistency proofs, signed checkpoints, verifier, crypto-shredding, retention",
            anchors: "Trillian/Tessera, immudb"
        ),
        SystemDescriptor(
            number: 24,
            name: "Read replicas & failover",
            module: "ReadReplicas",
            slug: "replicas",
            summary: "real streaming replicas, lag-aware read routing, read-your-writes, promotion with fencing",
            anchors: "Patroni, pgpool-II"
        ),
        SystemDescriptor(
            number: 25,
            name: "Scheduled jobs",
            module: "Scheduling",
            slug: "schedules",
            summary:
                "cron with time zones and DST, exactly-once across instances, overlap and missed-run policies, history",
            anchors: "pg_cron, Quartz, Kubernetes CronJob"
        ),
        SystemDescriptor(
            number: 26,
            name: "GraphQL federation",
            module: "GraphQLFederation",
            slug: "federation",
            summary: "Federation v2 composition, query planning, `_entities`, parallel fetches, entity caching",
            anchors: "Apollo Router, Hive Router"
        ),
        SystemDescriptor(
            number: 27,
            name: "API versioning",
            module: "APIVersioning",
            slug: "versioning",
            summary:
                "date versions, negotiation, version-change transforms, Sunset/Deprecation headers, usage tracking",
            anchors: "Stripe, Cadwyn"
        ),
        SystemDescriptor(
            number: 28,
            name: "Geospatial",
            module: "Geospatial",
            slug: "geo",
            summary: "spatial index, kNN, radius, bbox, polygon, GeoJSON; 100 nearest of 10M in <20 ms",
            anchors: "PostGIS, Tile38, Redis GEOSEARCH"
        ),
        SystemDescriptor(
            number: 29,
            name: "Email/SMS delivery",
            module: "Notifications",
            slug: "notifications",
            summary: "templates, SMTP, DKIM, bounces, suppression, per-provider limits and failover, tracking",
            anchors: "Postal, listmonk"
        ),
        SystemDescriptor(
            number: 30,
            name: "Chaos engineering",
            module: "Chaos",
            slug: "chaos",
            summary: "fault-injecting proxy, fault points, steady-state experiments, blast radius, auto-abort",
            anchors: "Toxiproxy, Chaos Toolkit"
        ),
        SystemDescriptor(
            number: 31,
            name: "GDPR engine",
            module: "Privacy",
            slug: "privacy",
            summary: "PII detection, anonymization, export, erasure with crypto-shredding, consent, retention",
            anchors: "Presidio"
        ),
        SystemDescriptor(
            number: 32,
            name: "Serverless workflows",
            module: "Workflows",
            slug: "workflows",
            summary: "Amazon States Language interpreter, durable execution, versioning, history",
            anchors: "Step Functions, Temporal"
        ),
        SystemDescriptor(
            number: 33,
            name: "File uploads",
            module: "Uploads",
            slug: "uploads",
            summary: "tus 1.0 resumable uploads, presigned URLs, streaming, type sniffing, ClamAV, thumbnails",
            anchors: "tusd, MinIO"
        ),
        SystemDescriptor(
            number: 34,
            name: "Service mesh",
            module: "ServiceMesh",
            slug: "mesh",
            summary:
                "sidecar proxy, mTLS identities, traffic splitting, retries, outlier detection, policy, mesh telemetry",
            anchors: "Linkerd2, Envoy"
        ),
        SystemDescriptor(
            number: 35,
            name: "Multi-region active-active",
            module: "MultiRegion",
            slug: "regions",
            summary: "CRDT replication with hybrid clocks, anti-entropy, residency rules, failover routing",
            anchors: "CockroachDB, Riak"
        ),
        SystemDescriptor(
            number: 36,
            name: "FinOps dashboard",
            module: "CostManagement",
            slug: "finops",
            summary: "FOCUS cost ingestion, tag allocation, chargeback, anomalies, budgets, recommendations, charts",
            anchors: "OpenCost, FOCUS"
        ),
        SystemDescriptor(
            number: 37,
            name: "Collaborative editing",
            module: "Collaboration",
            slug: "collab",
            summary: "sequence CRDT for text, awareness, WebSocket sync, persistence, undo; editor page",
            anchors: "Yjs, Automerge, diamond-types"
        ),
        SystemDescriptor(
            number: 38,
            name: "ML model serving",
            module: "ModelServing",
            slug: "models",
            summary: "model formats, Open Inference Protocol, versions, A/B and shadow, dynamic batching, drift",
            anchors: "Triton, MLServer; seed: 10K predictions/s"
        ),
        SystemDescriptor(
            number: 39,
            name: "Secrets management",
            module: "SecretsManagement",
            slug: "secrets",
            summary:
                "envelope encryption, sealed master key, KV versions, leases, dynamic PostgreSQL credentials, rotation, audit, ACLs",
            anchors: "Vault, OpenBao"
        ),
        SystemDescriptor(
            number: 40,
            name: "Load testing",
            module: "LoadTesting",
            slug: "loadtest",
            summary:
                "open and closed models, coordinated-omission correction, HDR percentiles, thresholds, regression detection, HTML report",
            anchors: "k6, wrk2, vegeta"
        ),
    ]

    /// The descriptor of a module, if it is on the roadmap.
    public static func descriptor(module: String) -> SystemDescriptor? {
        all.first { $0.module == module }
    }
}
