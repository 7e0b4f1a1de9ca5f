import FootfallCore
import Foundation
import Logging
import MQTT
import Storage

/// Publishes each event as JSON on a topic made from a template, QoS 1, and counts the batch
/// delivered once the broker has acknowledged every message (PUBACK). A broker down, a lost
/// connection or a missing acknowledgment is a retry of the whole batch: some events may then
/// arrive twice, always under the same event id, never none. Over MQTT 5 (3.1.1 where the
/// broker speaks no more) an acknowledgment refusing a message for good (its ACL, its size
/// limit) makes that event a dead letter, and one refusing it for now (quota exceeded) a retry.
public final class MQTTTransport: PerEventTransport, Sendable {
    public let settings: MQTTSettings
    public let topic: TopicTemplate
    public let timeout: Duration
    private let client: Result<MQTTClient, MQTTError>

    public init(settings: MQTTSettings, topic: TopicTemplate, timeout: Duration) {
        var settings = settings
        settings.prefersMQTT5 = true
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
        if client.fallBackToReport() {
            Logger(label: "footfall").notice(
                "\(URLRedaction.shown(settings.url)) does not speak MQTT 5: speaking 3.1.1 to it, whose acknowledgments cannot say the broker refused an event (its ACL, its size limit); check its ACL lets the gateway's user publish on the sink's topics (docs/delivery.md)")
        }
        let messages = zip(items, entries).map { item, entry in
            MQTTMessage(topic: topic.topic(store: entry.storeID, gateway: entry.gatewayID, type: entry.eventType), payload: item)
        }
        let refused: [Int: MQTTRefusal]
        do {
            refused = try await client.publish(messages, qos: 1, timeout: timeout)
        } catch {
            return .retry(reason: error.description, after: nil)
        }
        return Self.outcome(refused)
    }

    /// Delivered but for the messages refused for good; a retry of the batch while any was
    /// refused for now (those delivered arrive again, under the same event ids).
    public static func outcome(_ refused: [Int: MQTTRefusal]) -> DeliveryOutcome {
        guard !refused.isEmpty else { return .delivered }
        if let passing = refused.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinal }) {
            return .retry(reason: passing.value.description, after: nil)
        }
        return .deliveredExcept(refused.mapValues { DeadLetterReason(reason: $0.description, responseStatus: nil, responseBody: nil) })
    }
}
