import FootfallCore
import GRDB

/// A row of `outbox_event`: one event appended to the outbox, with the few fields the sinks'
/// encoders need beside its JSON line.
struct OutboxEventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "outbox_event"

    /// Given by SQLite on insert (AUTOINCREMENT: never reused).
    var seq: Int64?
    var eventID: String
    var eventType: String
    var occurredAt: Double
    var storeID: String
    var gatewayID: String
    var customerID: String?
    var anonymousID: String?
    /// Wall-clock seconds when the event was appended (the caller's clock).
    var appendedAt: Double
    /// `PresenceEvent.jsonLine()`, exactly as appended.
    var body: String

    enum CodingKeys: String, CodingKey {
        case seq, body
        case eventID = "event_id"
        case eventType = "event_type"
        case occurredAt = "occurred_at"
        case storeID = "store_id"
        case gatewayID = "gateway_id"
        case customerID = "customer_id"
        case anonymousID = "anonymous_id"
        case appendedAt = "appended_at"
    }

    init(_ event: PresenceEvent, appendedAt: Double) {
        seq = nil
        eventID = event.id
        eventType = event.type.rawValue
        occurredAt = event.occurredAt
        storeID = event.storeID
        gatewayID = event.gatewayID
        customerID = event.customerID
        anonymousID = event.anonymousID
        self.appendedAt = appendedAt
        body = event.jsonLine()
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}
