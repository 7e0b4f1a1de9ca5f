import FootfallCore
import Foundation

/// Events for the storage and delivery tests: `count` visits' worth spread over `shoppers` anonymous ids,
/// with ids that say their order (`e-000042`).
public enum TestEvents {
    public static func make(count: Int, shoppers: Int = 7, from start: Int = 0, store: String = "test-store") -> [PresenceEvent] {
        (start..<start + count).map { index in
            let kinds: [PresenceEvent.Kind] = [.storeEntered, .zoneEntered, .zoneDwell, .zoneExited, .storeExited]
            var event = PresenceEvent(
                id: String(format: "e-%06d", index), type: kinds[index % kinds.count], occurredAt: 1_700_000_000 + Double(index),
                storeID: store, gatewayID: "gw-1")
            if index % 5 == 0 {
                event.customerID = "customer-\(index % shoppers)"
            } else {
                event.anonymousID = "shopper-\(index % shoppers)"
            }
            event.zone = "checkout"
            event.dwellSeconds = 12.5
            return event
        }
    }

    /// The shopper an event belongs to, as a receiver would group them.
    public static func shopper(of object: [String: Any]) -> String {
        (object["anonymous_id"] as? String) ?? (object["customer_id"] as? String) ?? "-"
    }
}
