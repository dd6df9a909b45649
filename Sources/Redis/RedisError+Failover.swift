extension RedisError {
    /// Whether the error means that the node the command went to is no longer the primary, so connections to it
    /// should be dropped and the primary discovered again (see ``RedisSentinel``):
    ///
    /// - ``Code/notPrimary``: `ROLE` named the node a replica (a failover is in progress or done);
    /// - `READONLY` (a write reached a replica: the primary was demoted after a failover);
    /// - `UNBLOCKED … (master -> replica?)`: a blocking command was cut short because the node became a replica.
    ///
    /// Cluster redirections (`MOVED`, `ASK`) are not among them: they say that the key lives on another node of a
    /// Redis Cluster, which is not supported yet (see ``isClusterRedirection``).
    public var isPrimaryLost: Bool {
        if code == .notPrimary { return true }
        guard code == .serverError, let reply else { return false }
        switch reply.code {
        case "READONLY": return true
        case "UNBLOCKED": return reply.message.contains("master -> replica")
        default: return false
        }
    }

    /// Whether the server answered `MOVED` or `ASK`: it is a Redis Cluster node and the key lives on another node.
    /// Redis Cluster is not supported yet; the error's message says so.
    public var isClusterRedirection: Bool {
        code == .serverError && (reply?.code == "MOVED" || reply?.code == "ASK")
    }
}
