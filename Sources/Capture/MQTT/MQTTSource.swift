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
///
/// The observations of the messages that arrive within `batchWindow` of each other
/// (`MQTTClient.Event.caughtUp`) go to `onObservations` together, timed when the first of them
/// was handled: one hand-off to the pipeline for a few milliseconds of reports instead of one
/// per message (at 10,000 messages a second, a tenth of the daemon's CPU).
public struct MQTTSource: Service {
    public let settings: MQTTSettings
    public let topics: [String]
    public let decoder: MQTTObservationDecoder
    /// The gateway's clock: a batch of reports is stamped with its `now`.
    let timing: Timing
    let logger: Logger
    let metrics: MQTTSourceMetrics
    let onObservations: @Sendable ([Observation]) -> Void
    let onStatus: @Sendable (String?) -> Void

    public init(
        settings: MQTTSettings, topics: [String], decoder: MQTTObservationDecoder, timing: Timing,
        logger: Logger, metrics: MQTTSourceMetrics, onStatus: @escaping @Sendable (String?) -> Void = { _ in },
        onObservations: @escaping @Sendable ([Observation]) -> Void
    ) {
        self.settings = settings
        self.topics = topics
        self.decoder = decoder
        self.timing = timing
        self.logger = logger
        self.metrics = metrics
        self.onStatus = onStatus
        self.onObservations = onObservations
    }

    /// How long the first of a batch of reports may wait for the others: well under what a
    /// position needs (a second), long enough for dozens of reports under load.
    public static let batchWindow = Duration.milliseconds(5)

    public func run() async throws {
        let reader = Reader(source: self)
        let client = try MQTTClient(settings: settings, subscriptions: topics, subscriptionQoS: 1, batchWindow: Self.batchWindow) { event in
            reader.handle(event)
        }
        logger.info("subscribing to \(settings.description): \(topics.joined(separator: ", ")) (\(decoder.format.rawValue))")
        client.start()
        try? await gracefulShutdown()
        client.stop()
    }

    /// How far (s) a reading may be stamped ahead of this gateway's clock: two clocks kept by
    /// NTP differ by far less.
    public static let mostAhead = 30.0

    /// A broker hands over late what it queued, never early: a reading stamped ahead of this
    /// gateway's clock (`now`) comes from a wrong clock, and would move the pipeline's clock on
    /// by as much, ending every visit. The refusal, or nil.
    public static func aheadOfTheClock(_ observations: [Observation], now: Double, topic: String) -> MQTTInputError? {
        guard let latest = observations.lazy.map(\.time).max(), latest - now > mostAhead else { return nil }
        return MQTTInputError(
            topic: topic, reason: .timeAhead, field: "observations",
            String(format: "a reading is stamped %.0f s ahead of the gateway's clock (at most %.0f s is taken); synchronise the sensor gateway's clock (NTP)", min(latest - now, 1e12), mostAhead))
    }

    /// The source's state on the client's thread: which problems were logged already, and the
    /// observations gathered since the client last caught up.
    final class Reader: Sendable {
        let source: MQTTSource
        private let logged = Mutex<(problems: Set<String>, lastFailure: String?)>(([], nil))
        private let gathered = Mutex(Gathered())
        /// At most this many observations wait for the client to catch up.
        static let batchLimit = 1024

        struct Gathered {
            var observations: [Observation] = []
            /// Messages that became observations, counted into the metric with the batch.
            var messages = 0
            /// When the batch's first message was handled: the time of all its reports.
            var time: Double?
        }

        /// The source's topic filters, split once.
        let filters: [MQTTTopic.Filter]

        init(source: MQTTSource) {
            self.source = source
            filters = source.topics.map(MQTTTopic.Filter.init)
        }

        func handle(_ event: MQTTClient.Event) {
            switch event {
            case .message(let message):
                // A persistent session keeps the subscriptions of an earlier configuration: what
                // they bring would be counted beside what the filters configured now bring.
                guard filters.contains(where: { $0.matches(message.topic) }) else {
                    reject(MQTTInputError(
                        topic: source.decoder.shownTopic(message.topic), reason: .unexpectedTopic,
                        "not a topic this source subscribes to (\(source.topics.joined(separator: ", "))): a subscription the broker kept in the session from an earlier configuration; left out (give the source a new client_id, or clear the session, to end it)"))
                    return
                }
                let time = gathered.withLock { batch in
                    if let time = batch.time { return time }
                    let now = source.timing.now()
                    batch.time = now
                    return now
                }
                do throws(MQTTInputError) {
                    let observations = try source.decoder.decode(topic: message.topic, payload: message.payload, time: time)
                    if let ahead = MQTTSource.aheadOfTheClock(observations, now: time, topic: source.decoder.shownTopic(message.topic)) {
                        throw ahead
                    }
                    let full = gathered.withLock { batch in
                        batch.messages += 1
                        batch.observations += observations
                        return batch.observations.count >= Self.batchLimit
                    }
                    if full { flush() }
                } catch {
                    reject(error)
                }
            case .caughtUp:
                flush()
            case .connected(let sessionPresent):
                logged.withLock { $0.lastFailure = nil }
                source.logger.notice("connected to \(source.settings.url)", metadata: [
                    "session": "\(sessionPresent ? "resumed" : "new")", "client_id": "\(source.settings.clientID)",
                ])
                source.onStatus(nil)
            case .subscriptionRefused(let filter, let reason):
                // Connected, yet nothing of the filter will come: said as a failure, not "running".
                let shown = source.decoder.shownTopic(filter)
                source.onStatus("subscribing to \(shown): \(reason)")
                source.logger.error("mqtt source: cannot subscribe to \(shown) at \(source.settings.url): \(reason); nothing of it is heard")
            case .disconnected(let reason, let retryIn):
                flush()
                let seconds = max(1, Int((retryIn / .seconds(1)).rounded()))
                source.onStatus("\(reason) (retrying in \(seconds) s)")
                // One line per change of reason, not one per attempt.
                let fresh = logged.withLock { state in
                    defer { state.lastFailure = reason }
                    return state.lastFailure != reason
                }
                if fresh { source.logger.error("mqtt source: \(reason); retrying with back-off", metadata: ["client_id": "\(source.settings.clientID)"]) }
            }
        }

        /// Hands the gathered observations on and counts their messages.
        func flush() {
            let batch = gathered.withLock { batch in
                defer { batch = Gathered() }
                return batch
            }
            if batch.messages > 0 { source.metrics.messages.increment(by: batch.messages) }
            if !batch.observations.isEmpty { source.onObservations(batch.observations) }
        }

        private func reject(_ error: MQTTInputError) {
            source.metrics.reject(topic: error.topic, reason: error.reason)
            let first = logged.withLock { $0.problems.insert(error.topic + "\u{0}" + error.reason.rawValue).inserted }
            guard first else { return }
            let line: Logger.Message = "mqtt: skipping a message: \(error.description) (counted in footfall_mqtt_rejected_total; logged once per topic and reason)"
            // A gateway's own state or a tracker's presence is its normal traffic, not a fault.
            if error.reason == .notAnAdvertisement { source.logger.info(line) } else { source.logger.warning(line) }
        }
    }
}
