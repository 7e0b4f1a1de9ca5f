import FootfallCore
import GRDB

/// One event in the outbox as a sink sees it: the event's JSON line plus the few fields the
/// encoders need without decoding it again.
public struct OutboxEntry: Hashable, Sendable, FetchableRecord {
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

    public init(row: Row) {
        seq = row["seq"]
        eventID = row["event_id"]
        eventType = row["event_type"]
        occurredAt = row["occurred_at"]
        storeID = row["store_id"]
        gatewayID = row["gateway_id"]
        customerID = row["customer_id"]
        anonymousID = row["anonymous_id"]
        appendedAt = row["appended_at"]
        body = row["body"]
        isRedelivery = row["redelivery"] ?? false
    }

    public init(seq: Int64, event: PresenceEvent, appendedAt: Double, isRedelivery: Bool = false) {
        self.seq = seq
        eventID = event.id
        eventType = event.type.rawValue
        occurredAt = event.occurredAt
        storeID = event.storeID
        gatewayID = event.gatewayID
        customerID = event.customerID
        anonymousID = event.anonymousID
        self.appendedAt = appendedAt
        body = event.jsonLine()
        self.isRedelivery = isRedelivery
    }
}
