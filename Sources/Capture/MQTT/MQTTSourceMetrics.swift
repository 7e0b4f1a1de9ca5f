import Metrics
import Synchronization

/// What an MQTT source counts, made from the factory passed in (as `BLECaptureMetrics`).
public final class MQTTSourceMetrics: Sendable {
    public let source: String
    /// Messages that became observations.
    public let messages: Counter
    let factory: any MetricsFactory
    /// One counter per shown topic and reason (and this source), made when first needed.
    private let rejected = Mutex<[String: Counter]>([:])

    public init(source: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.source = source
        self.factory = factory
        messages = Counter(label: "footfall_mqtt_messages_total", dimensions: [("source", source)], factory: factory)
    }

    /// Counts a message that could not be used; `topic` is already free of addresses.
    func reject(topic: String, reason: MQTTInputError.Reason) {
        let key = topic + "\u{0}" + reason.rawValue
        let counter = rejected.withLock { counters in
            if let known = counters[key] { return known }
            let made = Counter(label: "footfall_mqtt_rejected_total", dimensions: [("source", source), ("topic", topic), ("reason", reason.rawValue)], factory: factory)
            counters[key] = made
            return made
        }
        counter.increment()
    }

    public static let help: [String: String] = [
        "footfall_mqtt_messages_total": "MQTT messages turned into observations, per source.",
        "footfall_mqtt_rejected_total": "MQTT messages that could not be used, per source, topic (device level shown as +) and reason.",
    ]
}
