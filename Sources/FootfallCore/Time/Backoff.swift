/// The one back-off: waits that double from `base` up to `cap`, for every retry in the gateway
/// (a sink or the uplink that cannot deliver, an adapter unplugged, a source that failed).
///
/// Delivery draws each wait with full jitter ("Exponential Backoff and Jitter", AWS
/// Architecture Blog, 2015): the n-th retry waits a uniformly random time in
/// [0, min(cap, base · 2ⁿ⁻¹)], so many gateways recovering at once do not knock on the receiver
/// in step. A local device (an adapter, a capture source) has no crowd to spread: it waits the
/// ceiling itself.
public struct Backoff: Hashable, Sendable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .milliseconds(200), cap: Duration = .seconds(60)) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling of the wait before retry number `attempt` (1 for the first retry).
    public func ceiling(attempt: Int) -> Duration {
        let doublings = min(max(attempt - 1, 0), 40)
        let seconds = min(cap / .seconds(1), (base / .seconds(1)) * Double(UInt64(1) << UInt64(doublings)))
        return .milliseconds(Int64(seconds * 1000))
    }

    /// The wait before retry `attempt`; `unit` is a uniform random number in [0, 1]
    /// (`Timing.random`).
    public func delay(attempt: Int, unit: Double) -> Duration {
        ceiling(attempt: attempt) * min(max(unit, 0), 1)
    }
}
