import FootfallCore
import Storage

/// Segment's HTTP Tracking API batch call (`POST /v1/batch`): `{"batch":[track…],"sentAt":…}`.
/// Each event is a `track` call whose `messageId` is the event id, so Segment deduplicates a
/// batch sent twice; its properties are the event's own fields.
public struct SegmentEncoder: EventEncoder {
    /// Segment's limits: 500 KB a batch request, 32 KB an event.
    public static let maxBatchBytes = 500_000
    public static let maxEventBytes = 32_000

    public init() {}

    public var contentType: String { "application/json" }

    /// `store.entered` → "Store Entered", `zone.dwell` → "Zone Dwell".
    public static func eventName(_ type: String) -> String {
        type.split(separator: ".").map { word in
            word.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        }.joined(separator: " ")
    }

    public func item(for entry: OutboxEntry) -> [UInt8] {
        var text = "{\"type\":\"track\",\"event\":" + JSONText.string(Self.eventName(entry.eventType))
        text += ",\"messageId\":" + JSONText.string(entry.eventID)
        text += ",\"timestamp\":\"" + RFC3339.string(entry.occurredAt) + "\""
        if let customer = entry.customerID { text += ",\"userId\":" + JSONText.string(customer) }
        if let anonymous = entry.anonymousID {
            text += ",\"anonymousId\":" + JSONText.string(anonymous)
        } else if entry.customerID == nil {
            // Segment needs one identity; store-level aggregates speak for the gateway.
            text += ",\"anonymousId\":" + JSONText.string("footfall:\(entry.storeID)/\(entry.gatewayID)")
        }
        text += ",\"properties\":" + entry.body + "}"
        return Array(text.utf8)
    }

    public func envelopeBytes(itemCount: Int) -> Int {
        // {"batch":[ … ],"sentAt":"2024-01-01T00:00:00.000Z"}: 9 + 2 + 11 + 24 + 2, and the commas.
        48 + max(0, itemCount - 1)
    }

    public func body(items: [[UInt8]], sentAt: Double) -> [UInt8] {
        var out = Array("{\"batch\":".utf8)
        out += JSONText.array(items)
        out += Array(",\"sentAt\":\"\(RFC3339.string(sentAt))\"}".utf8)
        return out
    }
}
