/// Batch limits by count, size and time.
public struct Batching: Hashable, Sendable {
    public var maxEvents: Int
    public var maxBytes: Int
    /// An event whose encoding is larger goes to the dead letters instead of blocking the queue.
    public var maxEventBytes: Int
    /// How long a partial batch may wait for more events; zero sends at once (batches still
    /// form while a request is in flight, since only one is).
    public var flushInterval: Duration

    public init(maxEvents: Int = 500, maxBytes: Int = 1_000_000, maxEventBytes: Int = 256_000, flushInterval: Duration = .zero) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.maxEventBytes = maxEventBytes
        self.flushInterval = flushInterval
    }
}
