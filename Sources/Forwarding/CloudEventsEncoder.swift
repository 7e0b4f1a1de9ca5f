import FootfallCore
import Storage

/// CloudEvents 1.0 in the JSON batch format (structured mode, `application/cloudevents-batch+json`):
/// a JSON array of events, each with the event as `data`.
public struct CloudEventsEncoder: EventEncoder {
    public init() {}

    public var contentType: String { "application/cloudevents-batch+json" }

    /// `store.entered` → `com.footfall.store.entered`.
    public static func eventType(_ type: String) -> String { "com.footfall.\(type)" }

    public static func source(store: String, gateway: String) -> String { "/footfall/\(store)/\(gateway)" }

    public func item(for entry: OutboxEntry) -> [UInt8] {
        var text = "{\"specversion\":\"1.0\",\"id\":" + JSONText.string(entry.eventID)
        text += ",\"source\":" + JSONText.string(Self.source(store: entry.storeID, gateway: entry.gatewayID))
        text += ",\"type\":" + JSONText.string(Self.eventType(entry.eventType))
        text += ",\"time\":\"" + RFC3339.string(entry.occurredAt) + "\""
        if let subject = entry.customerID ?? entry.anonymousID { text += ",\"subject\":" + JSONText.string(subject) }
        text += ",\"datacontenttype\":\"application/json\",\"data\":" + entry.body + "}"
        return Array(text.utf8)
    }

    public func envelopeBytes(itemCount: Int) -> Int { 2 + max(0, itemCount - 1) }

    public func body(items: [[UInt8]], sentAt: Double) -> [UInt8] { JSONText.array(items) }
}
