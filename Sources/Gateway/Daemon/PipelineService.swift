import FootfallCore
import Foundation
import Logging
import Pipeline
import Presence
import ServiceLifecycle

/// The daemon's pipeline: consumes every source's input in order, runs the one pipeline, and
/// applies what it decides — visits, history lookups, events and their analytics to the event
/// store in one transaction, then positions and events to the live state.
public struct PipelineService: Service {
    let bus: InputBus
    let live: LiveState
    let metrics: GatewayMetrics
    let store: any EventStore
    let pseudonymizer: Pseudonymizer
    let logger: Logger
    let makePipeline: @Sendable () throws -> Pipeline

    public init(
        bus: InputBus, live: LiveState, metrics: GatewayMetrics, store: any EventStore, pseudonymizer: Pseudonymizer,
        logger: Logger, makePipeline: @escaping @Sendable () throws -> Pipeline
    ) {
        self.bus = bus
        self.live = live
        self.metrics = metrics
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.logger = logger
        self.makePipeline = makePipeline
    }

    public func run() async throws {
        var state = State(pipeline: try makePipeline())
        await live.markReady()
        // On shutdown the sources have stopped first (ServiceGroup order); finishing the bus
        // lets the loop drain what is buffered, so nothing accepted is lost.
        let bus = self.bus
        try await withGracefulShutdownHandler {
            try await consume(&state)
        } onGracefulShutdown: {
            bus.finish()
        }
        try await flushCounts(&state)
        // The passers-by of the traffic interval in progress would go with the pipeline: they
        // are counted now, and the next run counts that interval's later ones.
        if let tail = state.pipeline.unflushedPassersBy {
            var analytics = AnalyticsTally(engagedAfter: state.pipeline.configuration.presence.engagedAfter)
            analytics.add(.passersBy, at: tail.intervalStart, count: tail.count)
            try store.append([], analytics: analytics)
        }
        logger.info("pipeline stopped", metadata: ["observations": "\(state.pipeline.observationsSeen)"])
    }

    /// What the consuming loop carries: the pipeline, its outputs, observation counts not yet
    /// published, and pseudonyms already computed.
    struct State {
        var pipeline: Pipeline
        var outputs: [Pipeline.Output] = []
        var counts: [SensorID: Int] = [:]
        var lastInput: Double?
        var pseudonyms = PseudonymCache()
    }

    private func consume(_ state: inout State) async throws {
        for await input in bus.stream {
            bus.taken(input)
            switch input {
            case .observation(let o):
                // Counted here and published with the next round, not per observation.
                state.counts[o.sensor, default: 0] += 1
                state.lastInput = o.time
                try state.pipeline.ingest(o, into: &state.outputs)
            case .observations(let list):
                for o in list {
                    state.counts[o.sensor, default: 0] += 1
                    try state.pipeline.ingest(o, into: &state.outputs)
                }
                if let last = list.last { state.lastInput = last.time }
            case .tick(let time):
                try state.pipeline.advance(to: time, into: &state.outputs)
                try await flushCounts(&state)
            }
            if !state.outputs.isEmpty {
                try await apply(&state)
                state.outputs.removeAll(keepingCapacity: true)
            }
        }
    }

    private func flushCounts(_ state: inout State) async throws {
        if !state.counts.isEmpty, let last = state.lastInput {
            for (sensor, count) in state.counts { metrics.observations(sensor: sensor, count: count) }
            await live.record(observations: state.counts, lastAt: last)
            state.counts.removeAll(keepingCapacity: true)
        }
        metrics.dropped(bus.droppedCount)
    }

    private func apply(_ state: inout State) async throws {
        let pipeline = state.pipeline
        // Visits, history lookups, events and their analytics: one transaction, in order.
        let outputs: [Pipeline.Output]
        do {
            outputs = try await store.commit(state.outputs, engagedAfter: pipeline.configuration.presence.engagedAfter)
            await live.setFault(nil)
        } catch {
            // Nothing accepted may be dropped silently: say so loudly and stop, so the
            // supervisor restarts the daemon once the disk is fixed; the sources' data is
            // still on the wire or in the capture.
            metrics.storeFailure()
            await live.setFault("cannot store events: \(error)")
            logger.critical("cannot store events", metadata: ["error": "\(error)"])
            throw error
        }
        var positions: [(String, PositionEstimate)] = []
        var now = 0.0
        for output in outputs {
            switch output {
            case .position(let estimate):
                let identified = pipeline.isIdentified(estimate.device)
                positions.append((state.pseudonyms.id(for: estimate.device, at: estimate.time, identified: identified, pseudonymizer), estimate))
                now = max(now, estimate.time)
            case .event(let event, _, _, let decidedAt, _):
                now = max(now, decidedAt)
                metrics.event(event.type)
                await live.record(event: event)
            case .visitEnded:
                continue
            }
        }
        metrics.devices(tracked: pipeline.trackedDevices, visitors: pipeline.visitorsPresent)
        await live.update(
            positions: positions, occupancy: pipeline.occupancy, visitorsPresent: pipeline.visitorsPresent, now: now,
            learntRadio: LearntRadio(gains: pipeline.sensorGains, exponent: pipeline.learntExponent))
    }
}
