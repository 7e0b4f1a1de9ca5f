import Foundation
import MQTT

/// An mqtt sink's `topic:`, e.g. `footfall/{store}/events/{type}`: `{store}`, `{gateway}` and
/// `{type}` (the event's type, `zone.dwell`) are filled in per event.
public struct TopicTemplate: Hashable, Sendable {
    public static let standard = "footfall/{store}/events/{type}"
    public let text: String

    public init(_ text: String) throws(MQTTError) {
        guard !text.isEmpty, !text.contains("+"), !text.contains("#") else {
            throw MQTTError.invalid("'\(text)' is not a topic to publish to; wildcards (+, #) are for subscribing")
        }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { throw MQTTError.invalid("'\(text)' has a { without its }") }
            let name = rest[rest.index(after: open)..<close]
            guard ["store", "gateway", "type"].contains(name) else {
                throw MQTTError.invalid("'{\(name)}' is not a placeholder; use {store}, {gateway} or {type}")
            }
            rest = rest[rest.index(after: close)...]
        }
        self.text = text
    }

    public func topic(store: String, gateway: String, type: String) -> String {
        text.replacingOccurrences(of: "{store}", with: store)
            .replacingOccurrences(of: "{gateway}", with: gateway)
            .replacingOccurrences(of: "{type}", with: type)
    }
}
