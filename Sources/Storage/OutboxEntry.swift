import FootfallCore

/// One event in the outbox as a sink sees it: the event's JSON line plus the few fields the
/// encoders need without decoding it again.
public struct OutboxEntry: Hashable, Sendable {
    public var seq: Int64
    public var eventID: String
    public var eventType: String
    public var occurredAt: Double
    public var storeID: String
    public var gatewayID: String
    public var customerID: String?
    public var anonymousID: String?
    /// Wall-clock seconds when the event was appended (for latency and age).
    public var appendedAt: Double
    /// `PresenceEvent.jsonLine()`, exactly as appended.
    public var body: String
    /// True when this entry comes from an engineer's `outbox retry` of a dead letter rather
    /// than from the sink's cursor.
    public var isRedelivery: Bool

    init(_ record: OutboxEventRecord, isRedelivery: Bool) {
        seq = record.seq ?? 0
        eventID = record.eventID
        eventType = record.eventType
        occurredAt = record.occurredAt
        storeID = record.storeID
        gatewayID = record.gatewayID
        customerID = record.customerID
        anonymousID = record.anonymousID
        appendedAt = record.appendedAt
        body = record.body
        self.isRedelivery = isRedelivery
    }

    public init(seq: Int64, event: PresenceEvent, appendedAt: Double, isRedelivery: Bool = false) {
        var record = OutboxEventRecord(event, appendedAt: appendedAt)
        record.seq = seq
        self.init(record, isRedelivery: isRedelivery)
    }
}
