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

/// A dead or re-queued letter with the response that condemned it.
public struct OutboxLetter: Hashable, Sendable {
    public var sink: String
    public var seq: Int64
    public var eventID: String
    public var eventType: String
    public var state: String
    public var attempts: Int
    public var reason: String
    public var responseStatus: Int?
    public var responseBody: String?
    public var updatedAt: Double
}

/// Why a sink gave up on events: what it said, for the engineer who reads the dead letters.
public struct DeadLetterReason: Hashable, Sendable {
    public var reason: String
    public var responseStatus: Int?
    public var responseBody: String?
    public init(reason: String, responseStatus: Int? = nil, responseBody: String? = nil) {
        self.reason = reason
        self.responseStatus = responseStatus
        self.responseBody = responseBody
    }
}
