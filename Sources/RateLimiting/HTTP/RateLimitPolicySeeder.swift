import Logging
import ServiceLifecycle

/// Creates a policy at start when the registry has none of its name (the demo route's `demo`), retrying every
/// second while the policy store cannot answer, until it succeeds or the server shuts down; it gives up (with a
/// warning) when the store answers but refuses the policy, as past `ratelimit.maxPolicies`. A policy that
/// exists is left as it is, so a policy changed through the API survives restarts.
///
/// Its work done, the service waits for the server's shutdown: a service that returns early would end the
/// whole service group.
struct RateLimitPolicySeeder: Service {
    let registry: RateLimitPolicyRegistry
    let policy: RateLimitPolicy
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await seed()
            try await gracefulShutdown()
        }
    }

    func seed() async {
        while !Task.isCancelled {
            do {
                if !registry.isLoaded { try await registry.reload() }
                if registry.policy(named: policy.name) == nil {
                    try await registry.put(policy)
                    logger.info("Rate-limit policy created", metadata: ["ratelimit.policy": .string(policy.name)])
                }
                return
            } catch let error as RateLimitError where !error.code.isStoreFailure {
                // Not the store's failure (the policy cap is reached): retrying would not help. The route then
                // answers as for an unknown policy until an operator makes room or creates the policy.
                logger.info(
                    "Rate-limit policy not created",
                    metadata: ["ratelimit.policy": .string(policy.name), "ratelimit.error": "\(error)"]
                )
                return
            } catch {
                logger.debug(
                    "Rate-limit policy not created yet; retrying",
                    metadata: ["ratelimit.policy": .string(policy.name), "ratelimit.error": "\(error)"]
                )
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
