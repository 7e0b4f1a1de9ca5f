import Crypto
import FootfallCore
import Positioning
import Presence

/// The one pipeline of DESIGN.md — observations → locate → presence → events — shared by the
/// daemon, `footfall replay` and the tests. A deterministic function of its input: time comes
/// only from the observations and from `advance(to:)`.
public struct Pipeline: Sendable {
    public enum Output: Hashable, Sendable {
        case position(PositionEstimate)
        /// An event and the moment (trace time) the pipeline decided on it.
        case event(PresenceEvent, device: DeviceID?, decidedAt: Double)
    }

    public let configuration: StoreConfiguration
    /// Seconds of trace time between locate rounds (and presence ticks).
    public let tickInterval: Double
    private var locator: Locator
    private var tracker: VisitTracker
    private var clock: Double?
    private(set) public var observationsSeen = 0
    private(set) public var observationsIgnored = 0
    private let knownSensors: Set<SensorID>

    public init(
        configuration: StoreConfiguration, survey: [SurveySample] = [], tickInterval: Double = 1,
        pseudonymKey: [UInt8]? = nil
    ) {
        self.configuration = configuration
        self.tickInterval = tickInterval
        locator = Locator(layout: configuration.layout, configuration: PositioningConfiguration(), survey: survey)
        // Replays without a configured key still pseudonymize, with a key derived from the
        // store id, so the same trace gives the same anonymous ids.
        let key = pseudonymKey ?? Array(SHA256.hash(data: Array("footfall-replay|\(configuration.layout.id)".utf8)))
        tracker = VisitTracker(
            storeID: configuration.layout.id, gatewayID: configuration.gatewayID, layout: configuration.layout,
            settings: configuration.presence, pseudonymizer: Pseudonymizer(key: key))
        knownSensors = Set(configuration.layout.sensors.map(\.id))
    }

    public var trackedDevices: Int { tracker.trackedDevices }
    public var visitorsPresent: Int { tracker.visitorsPresent }

    /// Feeds one observation; runs any locate rounds that fall due before it first.
    public mutating func ingest(_ observation: Observation, into outputs: inout [Output]) {
        observationsSeen += 1
        guard knownSensors.contains(observation.sensor) else {
            observationsIgnored += 1
            return
        }
        advance(to: observation.time, into: &outputs)
        locator.observe(observation)
    }

    /// Moves the clock to `time`, running a locate round and a presence tick at every
    /// `tickInterval` boundary passed. A clock that goes backwards is ignored.
    public mutating func advance(to time: Double, into outputs: inout [Output]) {
        guard var next = clock else {
            clock = (time / tickInterval).rounded(.up) * tickInterval
            return
        }
        while next <= time {
            for estimate in locator.estimate(at: next) {
                outputs.append(.position(estimate))
                for event in tracker.update(estimate) { outputs.append(.event(event, device: estimate.device, decidedAt: next)) }
            }
            for (event, device) in tracker.tick(next) { outputs.append(.event(event, device: device, decidedAt: next)) }
            next += tickInterval
        }
        clock = next
    }

    /// At the end of a recording: lets the clock run on until every visit has ended (the
    /// locate stage may still place a device for a few seconds after its last reading).
    public mutating func finish(into outputs: inout [Output]) {
        guard let last = clock else { return }
        advance(to: last + configuration.presence.exitAfter + Self.endOfTraceMargin, into: &outputs)
    }

    static let endOfTraceMargin = 60.0
}
