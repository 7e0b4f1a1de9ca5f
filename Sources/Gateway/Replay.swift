import BLE
import Calibration
import FootfallCore
import Foundation
import Pipeline
import Positioning
import Presence

/// `footfall replay`: a trace through the pipeline at full speed, with the events and the
/// position estimates written as they are made and, given a truth file, an accuracy report.
public struct Replay {
    public struct Options: Sendable {
        public var tracePath: String
        public var configuration: StoreConfiguration
        public var survey: [SurveySample] = []
        public var truth: [TruthSample]?
        public var eventsPath: String?
        public var positionsPath: String?
        /// Where to write the store analytics of the replay (JSON, as `GET /api/analytics`).
        public var analyticsPath: String?
        public var customers: [DeviceID: String] = [:]
        /// The store's registered identity keys (`identity.identity_keys`).
        public var resolver = IdentityResolver()
        /// A data directory whose visit history and key are used (and kept); memory otherwise.
        public var gatewayData: GatewayData?
        public init(tracePath: String, configuration: StoreConfiguration) {
            self.tracePath = tracePath
            self.configuration = configuration
        }
    }

    /// A sensor the trace names that the store file has not, with where it first appears.
    public struct UnknownSensor: Hashable, Sendable {
        public var sensor: SensorID
        public var firstLine: Int
        public var observations: Int
    }

    public struct Result: Sendable {
        public var observations: Int
        public var ignoredObservations: Int
        /// The trace's sensors missing from the store file, in the order they first appear.
        public var unknownSensors: [UnknownSensor] = []
        public var devices: Int
        public var positions: Int
        /// Events that may leave the gateway, by type.
        public var eventCounts: [PresenceEvent.Kind: Int]
        /// Events of devices that may only be counted (identity settings): scored, never written.
        public var countedOnlyEvents: Int
        public var firstTime: Double?
        public var lastTime: Double?
        public var report: AccuracyReport?
        /// The BLE sensors' gains learnt over the trace (`sensor_gain_learning`).
        public var sensorGains: [SensorGain] = []
        /// The BLE path-loss exponent's deviation from the model learnt over the trace.
        public var learntExponent: LearntExponent?
        /// With a data directory that kept what an earlier replay (or the daemon) learnt of the
        /// radio: how many values were taken back, and how many no longer fit the store file.
        public var learntRadioTakenBack: (restored: Int, ignored: Int)?
        /// How often the trace's time went back by more than `Pipeline.clockJumpThreshold` or on
        /// by more than `Pipeline.largestGap`, and the pipeline carried on from its own clock.
        public var clockJumps = 0
        /// Rotating addresses taken as the next address of a phone in a visit, and such links
        /// undone (`Pipeline.addressesLinked`).
        public var addressesFollowed = (linked: 0, undone: 0)
        /// The sensors whose clock was taken as jumped, each with the line its first jump
        /// was seen at and how often, in the order of those lines; and how many sensors of the
        /// store the trace has readings of.
        public var jumpedSensors: [(sensor: SensorID, firstLine: Int, jumps: Int)] = []
        public var sensorsHeard = 0
        /// The store analytics of every event, those of counted-only devices included.
        public var analytics: AnalyticsTally
        /// Visits that ended and those under a minute (`ReplaySummary.shortVisitsLine`).
        public var visitLengths = VisitLengths()
        /// The store file's zones: each is in the summary, at 0 where nothing happened, as the
        /// API and `footfall report --config` list them.
        public var storeZones: [String] = []
        /// The analytics by hour over the trace's time (what `--analytics` writes).
        /// The span of the readings on the pipeline's time (a reading whose sensor's clock
        /// jumped is taken at the clock), which the analytics cover.
        public var takenFirstTime: Double?
        public var takenLastTime: Double?
        public var analyticsSummary: AnalyticsSummary? {
            guard let first = takenFirstTime ?? firstTime, let last = takenLastTime ?? lastTime else { return nil }
            let zones = Set(analytics.counts.keys.map(\.zone)).filter { !$0.isEmpty }.union(storeZones)
            return AnalyticsSummary(counts: analytics.asCounts, from: first, to: max(last, analytics.counts.keys.map(\.intervalStart).max() ?? last) + 1, bucket: .hour, zones: zones.sorted())
        }
    }

    public static func run(_ options: Options) throws -> Result {
        let reader = try TraceReader(path: options.tracePath)
        // The visit history `store.entered` counts from: the data directory's, or memory.
        let history: any VisitHistory = options.gatewayData?.visitHistory ?? InMemoryVisitHistory()
        var pipeline = try Pipeline(
            configuration: options.configuration, survey: options.survey, pseudonymKey: options.gatewayData?.key,
            customers: options.customers, resolver: options.resolver)
        // A data directory keeps what was learnt of the radio across replays, as it does across
        // the daemon's restarts.
        var takenBack: (restored: Int, ignored: Int)?
        if let data = options.gatewayData {
            let kept = try data.database.learntRadio()
            if !kept.values.isEmpty { takenBack = pipeline.restore(learntRadio: kept.values) }
        }
        // Every output opened now (each written beside its file and put in place at the end), so
        // that one that cannot be made fails the replay before any other is replaced.
        let eventsOut = try options.eventsPath.map { try TextSink(path: $0) }
        let positionsOut = try options.positionsPath.map { try TextSink(path: $0) }
        let analyticsOut = try options.analyticsPath.map { try TextSink(path: $0) }
        positionsOut?.write("time,device,x,y,uncertainty_m,zone\n")
        var scorer = options.truth.map { AccuracyScorer(layout: options.configuration.layout, truth: $0, presence: options.configuration.presence) }
        var outputs: [Pipeline.Output] = []
        var devices = Set<DeviceID>()
        var positions = 0
        var counts: [PresenceEvent.Kind: Int] = [:]
        var countedOnly = 0
        var visitLengths = VisitLengths()
        var analytics = AnalyticsTally(engagedAfter: options.configuration.presence.engagedAfter)
        var first: Double?, last: Double?
        var firstTaken: Double?, lastTaken: Double?
        let storeSensors = Set(options.configuration.layout.sensors.map(\.id))
        var unknown: [SensorID: UnknownSensor] = [:]

        func drain() throws {
            try Pipeline.apply(history: history, to: &outputs)
            for output in outputs {
                switch output {
                case .position(let estimate):
                    positions += 1
                    positionsOut?.write(PositionLine.text(estimate))
                    scorer?.add(estimate)
                case .visitEnded:
                    continue
                case .event(let event, let device, let deliverable, let decidedAt, _):
                    scorer?.add(event, device: device, decidedAt: decidedAt)
                    analytics.add(event)
                    visitLengths.add(event)
                    guard deliverable else {
                        countedOnly += 1
                        continue
                    }
                    counts[event.type, default: 0] += 1
                    eventsOut?.write(event.jsonLine() + "\n")
                }
            }
            outputs.removeAll(keepingCapacity: true)
        }

        var jumpLines: [SensorID: Int] = [:]
        var jumpsSeen = 0
        // The lines of the last readings, by the pipeline's ordinal: a reading held (the first
        // readings, one ahead of the rest) is taken as a jump only when a later one comes.
        var recentLines = [Int](repeating: 0, count: 256)
        /// Names the line of each sensor's first jump not named yet: its reading's, while it is
        /// among the last lines read, else the line read last.
        func nameJumpLines() {
            for (sensor, ordinal) in pipeline.sensorFirstJump where jumpLines[sensor] == nil {
                jumpLines[sensor] = pipeline.observationsSeen - ordinal < recentLines.count ? recentLines[ordinal % recentLines.count] : reader.lineNumber
            }
        }
        var heardSensors = Set<SensorID>()
        while let observation = try reader.read() {
            devices.insert(observation.device)
            if !storeSensors.contains(observation.sensor) {
                unknown[observation.sensor, default: UnknownSensor(sensor: observation.sensor, firstLine: reader.lineNumber, observations: 0)]
                    .observations += 1
            } else {
                heardSensors.insert(observation.sensor)
            }
            let ignored = pipeline.observationsIgnored
            try pipeline.ingest(observation, into: &outputs)
            recentLines[pipeline.observationsSeen % recentLines.count] = reader.lineNumber
            // The span, whatever the order: a trace out of time order has its earliest reading
            // later than its first line.
            if pipeline.observationsIgnored == ignored {
                first = min(first ?? observation.time, observation.time)
                last = max(last ?? observation.time, observation.time)
            }
            // The analytics' span on the pipeline's time: one stray time (1970, a reading days
            // ahead) is taken at the clock, and would otherwise stretch it over decades with
            // nothing in its totals.
            if let taken = pipeline.lastLocatedTime {
                firstTaken = min(firstTaken ?? taken, taken)
                lastTaken = max(lastTaken ?? taken, taken)
            }
            if pipeline.sensorJumpsTotal != jumpsSeen {
                jumpsSeen = pipeline.sensorJumpsTotal
                nameJumpLines()
            }
            if outputs.count > 1024 { try drain() }
        }
        try pipeline.finish(into: &outputs)
        try drain()
        // The recording ended inside a traffic interval: its passers-by are counted all the same.
        if let tail = pipeline.unflushedPassersBy { analytics.add(.passersBy, at: tail.intervalStart, count: tail.count) }
        let unknownSensors = unknown.values.sorted { $0.firstLine < $1.firstLine }
        // A typo in every sensor name is not a quiet success with no positions; the outputs
        // are left as they were (never closed).
        if pipeline.observationsSeen > 0, unknownSensors.map(\.observations).reduce(0, +) == pipeline.observationsSeen {
            throw NoSensorOfTheStore(trace: reader.name, store: options.configuration, unknown: unknownSensors)
        }
        var result = Result(
            observations: pipeline.observationsSeen, ignoredObservations: pipeline.observationsIgnored, unknownSensors: unknownSensors,
            devices: devices.count, positions: positions, eventCounts: counts, countedOnlyEvents: countedOnly, firstTime: first, lastTime: last,
            report: scorer?.report(), sensorGains: pipeline.sensorGains, learntExponent: pipeline.learntExponent,
            analytics: analytics)
        result.learntRadioTakenBack = takenBack
        result.storeZones = options.configuration.layout.zones.map(\.id)
        result.clockJumps = pipeline.clockJumps
        result.addressesFollowed = pipeline.addressesLinked
        result.takenFirstTime = firstTaken
        result.takenLastTime = lastTaken
        nameJumpLines()
        result.jumpedSensors = pipeline.sensorClockJumps.map { ($0.key, jumpLines[$0.key]!, $0.value) }
            .sorted { ($0.firstLine, $0.sensor.rawValue) < ($1.firstLine, $1.sensor.rawValue) }
        result.sensorsHeard = heardSensors.count
        result.visitLengths = visitLengths
        analyticsOut?.write((result.analyticsSummary?.json(pretty: true) ?? "{}") + "\n")
        try eventsOut?.close()
        try positionsOut?.close()
        try analyticsOut?.close()
        if let data = options.gatewayData {
            let learnt = pipeline.learntRadio
            if !learnt.isEmpty { try data.database.replaceLearntRadio(learnt, at: Date().timeIntervalSince1970) }
        }
        return result
    }
}

extension Replay.UnknownSensor {
    /// `'x1' (first at t.csv:2, 40 readings), …`, the first five.
    public static func list(_ sensors: [Replay.UnknownSensor], file: String) -> String {
        // A sensor column holding a device's address (columns swapped) is masked as errors are.
        var text = sensors.prefix(5).map { "'\(AddressRedaction.redacted($0.sensor.rawValue))' (first at \(file):\($0.firstLine), \($0.observations) reading\($0.observations == 1 ? "" : "s"))" }
            .joined(separator: ", ")
        if sensors.count > 5 { text += " and \(sensors.count - 5) more" }
        return text
    }
}
