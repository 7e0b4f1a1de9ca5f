import Foundation
import MQTT
import Storage

/// A sink transport that sends each event on its own rather than one body per batch: a
/// broker's messages, one topic per event.
public protocol PerEventTransport: SinkTransport {
    /// Sends `items[i]`, the encoding of `entries[i]`, each as a message of its own; delivered
    /// only when every one was acknowledged.
    func send(items: [[UInt8]], of entries: [OutboxEntry]) async -> DeliveryOutcome
}

/// Publishes each event as JSON on a topic made from a template, QoS 1, and counts the batch
/// delivered once the broker has acknowledged every message (PUBACK). A broker down, a lost
/// connection or a missing acknowledgment is a retry of the whole batch: some events may then
/// arrive twice, always under the same event id, never none.
public final class MQTTTransport: PerEventTransport, Sendable {
    public let settings: MQTTSettings
    public let topic: TopicTemplate
    public let timeout: Duration
    private let client: Result<MQTTClient, MQTTError>

    public init(settings: MQTTSettings, topic: TopicTemplate, timeout: Duration) {
        self.settings = settings
        self.topic = topic
        self.timeout = timeout
        client = Result { () throws(MQTTError) in try MQTTClient(settings: settings) }
        if case .success(let client) = client { client.start() }
    }

    deinit { if case .success(let client) = client { client.stop() } }

    public func send(_ body: [UInt8], contentType: String) async -> DeliveryOutcome {
        .rejected(DeadLetterReason(reason: "an mqtt sink publishes events one by one; it cannot send a batch body"))
    }

    public func send(items: [[UInt8]], of entries: [OutboxEntry]) async -> DeliveryOutcome {
        let client: MQTTClient
        switch self.client {
        case .success(let made): client = made
        case .failure(let error): return .retry(reason: error.description, after: nil)
        }
        guard await client.connected(within: min(timeout, .seconds(5))) else {
            return .retry(reason: "not connected to \(settings.url)\(client.lastFailure.map { ": \($0)" } ?? "")", after: nil)
        }
        let messages = zip(items, entries).map { item, entry in
            MQTTMessage(topic: topic.topic(store: entry.storeID, gateway: entry.gatewayID, type: entry.eventType), payload: item)
        }
        do {
            try await client.publish(messages, qos: 1, timeout: timeout)
            return .delivered
        } catch {
            return .retry(reason: error.description, after: nil)
        }
    }
}

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

/// The event's own JSON line (docs/events.md), one message each.
public struct MQTTEventEncoder: EventEncoder {
    public init() {}

    public var contentType: String { "application/json" }

    public func item(for entry: OutboxEntry) -> [UInt8] { Array(entry.body.utf8) }

    public func envelopeBytes(itemCount: Int) -> Int { 0 }

    public func body(items: [[UInt8]], sentAt: Double) -> [UInt8] { Array(items.joined(separator: [0x0A])) }
}
