import FootfallCore
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// Observations from an MQTT broker: ESPresense nodes, BLE-to-MQTT gateways or Footfall sensor
/// gateways publishing there (`MQTTFormat`). The client keeps its connection up by itself —
/// reconnecting with back-off and a persistent session, so the broker queues QoS 1 reports
/// while the gateway is away — and says how it is through `onStatus` (nil: connected).
/// A message that cannot be used is counted per topic and reason and logged once per topic and
/// reason; the source goes on.
public struct MQTTSource: Service {
    public let settings: MQTTSettings
    public let topics: [String]
    public let decoder: MQTTObservationDecoder
    let clock: CaptureClock
    let logger: Logger
    let metrics: MQTTSourceMetrics
    let onObservations: @Sendable ([Observation]) -> Void
    let onStatus: @Sendable (String?) -> Void

    public init(
        settings: MQTTSettings, topics: [String], decoder: MQTTObservationDecoder, clock: @escaping CaptureClock,
        logger: Logger, metrics: MQTTSourceMetrics, onStatus: @escaping @Sendable (String?) -> Void = { _ in },
        onObservations: @escaping @Sendable ([Observation]) -> Void
    ) {
        self.settings = settings
        self.topics = topics
        self.decoder = decoder
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.onStatus = onStatus
        self.onObservations = onObservations
    }

    public func run() async throws {
        let reader = Reader(source: self)
        let client = try MQTTClient(settings: settings, subscriptions: topics, subscriptionQoS: 1) { event in
            reader.handle(event)
        }
        logger.info("subscribing to \(settings.description): \(topics.joined(separator: ", ")) (\(decoder.format.rawValue))")
        client.start()
        try? await gracefulShutdown()
        client.stop()
    }

    /// The source's state on the client's thread: which problems were logged already.
    final class Reader: Sendable {
        let source: MQTTSource
        private let logged = Mutex<(problems: Set<String>, lastFailure: String?)>(([], nil))

        init(source: MQTTSource) { self.source = source }

        func handle(_ event: MQTTClient.Event) {
            switch event {
            case .message(let message):
                do {
                    let observations = try source.decoder.decode(topic: message.topic, payload: message.payload, time: source.clock())
                    source.metrics.messages.increment()
                    if !observations.isEmpty { source.onObservations(observations) }
                } catch {
                    reject(error)
                }
            case .connected(let sessionPresent):
                logged.withLock { $0.lastFailure = nil }
                source.logger.notice("connected to \(source.settings.url)", metadata: ["session": "\(sessionPresent ? "resumed" : "new")"])
                source.onStatus(nil)
            case .disconnected(let reason, let retryIn):
                let seconds = max(1, Int((retryIn / .seconds(1)).rounded()))
                source.onStatus("\(reason) (retrying in \(seconds) s)")
                // One line per change of reason, not one per attempt.
                let fresh = logged.withLock { state in
                    defer { state.lastFailure = reason }
                    return state.lastFailure != reason
                }
                if fresh { source.logger.error("mqtt source: \(reason); retrying with back-off") }
            }
        }

        private func reject(_ error: MQTTInputError) {
            source.metrics.reject(topic: error.topic, reason: error.reason)
            let first = logged.withLock { $0.problems.insert(error.topic + "\u{0}" + error.reason.rawValue).inserted }
            if first {
                source.logger.warning("mqtt: skipping a message: \(error.description) (counted in footfall_mqtt_rejected_total; logged once per topic and reason)")
            }
        }
    }
}
