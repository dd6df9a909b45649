/// How long a blocking command (`BLPOP`, `BLMOVE`, `BZPOPMIN`, `XREAD BLOCK`) may block on the server, and the
/// client-side timeout that goes with it.
///
/// The client-side timeout is the block time plus ``margin``: the server answers with a null when the block time
/// ends, so only a lost or stuck server lets the command reach its own timeout. Without this the connection's
/// command timeout (30 s by default) would kill a longer block and close the connection.
struct RedisBlockingTimeout: Sendable {
    /// What the client waits beyond the block time: a reply written at the end of the block has this long to arrive.
    static let margin: Duration = .seconds(5)

    /// The block time in whole milliseconds, rounded up (Redis reads 0 as "forever", so never 0).
    let milliseconds: Int64

    /// - Precondition: `duration` is positive: Redis would read 0 as "block forever", which a client-side timeout
    ///   cannot follow; loop with a finite block time instead.
    init(_ duration: Duration) {
        precondition(duration > .zero, "a blocking command needs a positive timeout (0 would block forever)")
        self.milliseconds = max(1, duration.millisecondsRoundedUp)
    }

    /// The block time in seconds as `BLPOP`, `BLMOVE` and `BZPOPMIN` read it: `1.5`, `0.001`.
    var secondsArgument: String {
        let fraction = String(milliseconds % 1_000)
        return "\(milliseconds / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The client-side timeout for the command: the block time plus ``margin``.
    var commandTimeout: Duration { .milliseconds(milliseconds) + Self.margin }
}

extension Duration {
    /// The duration in whole milliseconds, rounded up (towards positive infinity).
    var millisecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let (whole, remainder) = attoseconds.quotientAndRemainder(dividingBy: attosecondsPerMillisecond)
        return seconds * 1_000 + whole + (remainder > 0 ? 1 : 0)
    }
}
