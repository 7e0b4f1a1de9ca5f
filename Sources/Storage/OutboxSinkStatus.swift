/// One sink's queue as `footfall outbox status` shows it.
public struct OutboxSinkStatus: Hashable, Sendable {
    public var sink: String
    public var cursor: Int64
    /// Events not yet settled for this sink, including letters queued by `outbox retry`.
    public var pending: Int
    public var dead: Int
    /// Wall-clock seconds when the oldest pending event was appended.
    public var oldestPendingAppendedAt: Double?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Double?
    public var delivered: Int
}
