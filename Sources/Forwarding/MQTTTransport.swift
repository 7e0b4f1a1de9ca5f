import FootfallCore
import Foundation
import MQTT
import Storage

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
            return .retry(reason: "not connected to \(URLRedaction.shown(settings.url))\(client.lastFailure.map { ": \($0)" } ?? "")", after: nil)
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
