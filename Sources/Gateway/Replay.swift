import BLE
import Calibration
import FootfallCore
import Foundation
import Pipeline

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

    public struct Result: Sendable {
        public var observations: Int
        public var ignoredObservations: Int
        public var devices: Int
        public var positions: Int
        /// Events that may leave the gateway, by type.
        public var eventCounts: [PresenceEvent.Kind: Int]
        /// Events of devices that may only be counted (identity settings): scored, never written.
        public var countedOnlyEvents: Int
        public var firstTime: Double?
        public var lastTime: Double?
        public var report: AccuracyReport?
    }

    public static func run(_ options: Options) throws -> Result {
        let reader = try TraceReader(path: options.tracePath)
        var pipeline: Pipeline
        if let data = options.gatewayData {
            pipeline = try Pipeline(
                configuration: options.configuration, survey: options.survey, pseudonymKey: data.key,
                history: data.visitHistory, customers: options.customers, resolver: options.resolver)
        } else {
            pipeline = try Pipeline(
                configuration: options.configuration, survey: options.survey, customers: options.customers,
                resolver: options.resolver)
        }
        let eventsOut = try options.eventsPath.map { try TextSink(path: $0) }
        let positionsOut = try options.positionsPath.map { try TextSink(path: $0) }
        positionsOut?.write("time,device,x,y,uncertainty_m,zone\n")
        var scorer = options.truth.map { AccuracyScorer(layout: options.configuration.layout, truth: $0, presence: options.configuration.presence) }
        var outputs: [Pipeline.Output] = []
        var devices = Set<DeviceID>()
        var positions = 0
        var counts: [PresenceEvent.Kind: Int] = [:]
        var countedOnly = 0
        var first: Double?, last: Double?

        func drain() {
            for output in outputs {
                switch output {
                case .position(let estimate):
                    positions += 1
                    positionsOut?.write(PositionLine.text(estimate))
                    scorer?.add(estimate)
                case .event(let event, let device, let deliverable, let decidedAt):
                    scorer?.add(event, device: device, decidedAt: decidedAt)
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

        while let observation = try reader.read() {
            if first == nil { first = observation.time }
            last = observation.time
            devices.insert(observation.device)
            try pipeline.ingest(observation, into: &outputs)
            if outputs.count > 1024 { drain() }
        }
        try pipeline.finish(into: &outputs)
        drain()
        try eventsOut?.close()
        try positionsOut?.close()
        return Result(
            observations: pipeline.observationsSeen, ignoredObservations: pipeline.observationsIgnored,
            devices: devices.count, positions: positions, eventCounts: counts, countedOnlyEvents: countedOnly, firstTime: first, lastTime: last,
            report: scorer?.report())
    }
}

/// One line of `--positions`: `time,device,x,y,uncertainty_m,zone`.
public enum PositionLine {
    public static func text(_ e: PositionEstimate) -> String {
        func metres(_ v: Double) -> String { DelimitedField.number((v * 1000).rounded() / 1000) }
        return "\(DelimitedField.number(e.time)),\(DelimitedField.escape(e.device.rawValue)),\(metres(e.position.x)),\(metres(e.position.y)),\(metres(e.uncertainty)),\(DelimitedField.escape(e.zone ?? ""))\n"
    }
}
