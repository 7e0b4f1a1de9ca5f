import FootfallCore
import Foundation
import Logging
import Presence
import ServiceLifecycle

/// The daemon's pipeline: consumes every source's input in order, runs the one pipeline, and
/// applies what it decides — events to the event store (history and delivery in one
/// transaction), positions and events to the live state.
public struct PipelineService: Service {
    let bus: InputBus
    let live: LiveState
    let metrics: GatewayMetrics
    let store: any EventStore
    let pseudonymizer: Pseudonymizer
    let logger: Logger
    let makePipeline: @Sendable () -> Pipeline

    public init(
        bus: InputBus, live: LiveState, metrics: GatewayMetrics, store: any EventStore, pseudonymizer: Pseudonymizer,
        logger: Logger, makePipeline: @escaping @Sendable () -> Pipeline
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
        var pipeline = makePipeline()
        var outputs: [Pipeline.Output] = []
        await live.markReady()
        // On shutdown the sources have stopped first (ServiceGroup order); finishing the bus
        // lets the loop drain what is buffered, so nothing accepted is lost.
        let bus = self.bus
        try await withGracefulShutdownHandler {
            try await consume(&pipeline, &outputs)
        } onGracefulShutdown: {
            bus.finish()
        }
        logger.info("pipeline stopped", metadata: ["observations": "\(pipeline.observationsSeen)"])
    }

    private func consume(_ pipeline: inout Pipeline, _ outputs: inout [Pipeline.Output]) async throws {
        for await input in bus.stream {
            bus.taken()
            switch input {
            case .observation(let o):
                metrics.observations(sensor: o.sensor)
                await live.record(observationFrom: o.sensor, at: o.time)
                try pipeline.ingest(o, into: &outputs)
            case .tick(let time):
                try pipeline.advance(to: time, into: &outputs)
            }
            if !outputs.isEmpty {
                try await apply(outputs, pipeline: pipeline)
                outputs.removeAll(keepingCapacity: true)
            }
            metrics.dropped(bus.droppedCount)
        }
    }

    private func apply(_ outputs: [Pipeline.Output], pipeline: Pipeline) async throws {
        var positions: [(String, PositionEstimate)] = []
        var deliverable: [PresenceEvent] = []
        var now = 0.0
        for output in outputs {
            switch output {
            case .position(let estimate):
                let identified = pipeline.isIdentified(estimate.device)
                positions.append((pseudonymizer.anonymousID(for: estimate.device, at: estimate.time, identified: identified), estimate))
                now = max(now, estimate.time)
            case .event(let event, _, let isDeliverable, let decidedAt):
                now = max(now, decidedAt)
                metrics.event(event.type)
                await live.record(event: event)
                if isDeliverable { deliverable.append(event) }
            }
        }
        do {
                try store.append(deliverable)
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
        metrics.devices(tracked: pipeline.trackedDevices, visitors: pipeline.visitorsPresent)
        await live.update(positions: positions, occupancy: pipeline.occupancy, visitorsPresent: pipeline.visitorsPresent, now: now)
    }
}

/// Where the daemon puts the events it may deliver: the outbox in the gateway's database, or a
/// file for a gateway without one.
public protocol EventStore: Sendable {
    func append(_ events: [PresenceEvent]) throws
}
