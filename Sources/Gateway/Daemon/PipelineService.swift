import FootfallCore
import Forwarding
import Foundation
import Logging
import Pipeline
import Presence
import ServiceLifecycle
import Storage

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
    /// Frees the disk space set aside for a full disk's last writes; false when there is none.
    let releaseReserve: @Sendable () -> Bool

    public init(
        bus: InputBus, live: LiveState, metrics: GatewayMetrics, store: any EventStore, pseudonymizer: Pseudonymizer,
        logger: Logger, releaseReserve: @escaping @Sendable () -> Bool = { false }, makePipeline: @escaping @Sendable () throws -> Pipeline
    ) {
        self.releaseReserve = releaseReserve
        self.bus = bus
        self.live = live
        self.metrics = metrics
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.logger = logger
        self.makePipeline = makePipeline
    }

    /// How often (s of the data's time) what the locator has learnt of the radio is kept: a
    /// restart loses at most this much of its learning.
    static let keepLearntRadioEvery = 60.0

    public func run() async throws {
        var state = State(pipeline: try makePipeline())
        takeBackLearntRadio(&state)
        takeOpenVisits(&state)
        await takeErasures(&state, at: nil)
        await live.markReady()
        // On shutdown the sources have stopped first (ServiceGroup order); finishing the bus
        // lets the loop drain what is buffered, so nothing accepted is lost.
        let bus = self.bus
        do {
            try await withGracefulShutdownHandler {
                try await consume(&state)
            } onGracefulShutdown: {
                bus.finish()
            }
        } catch {
            // A store that failed (a full disk) stops the daemon: what it kept is tried still.
            await takeErasures(&state, at: nil)
            keepOpenVisits(state)
            throw error
        }
        try await flushCounts(&state)
        keepLearntRadio(&state, at: nil)
        // A request left since the last tick: its shopper's visit is not kept for the next start.
        await takeErasures(&state, at: nil)
        keepOpenVisits(state)
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
        /// The store file's sensors: any other is counted as `notInTheStore`, since a name no
        /// one configured (a trace whose columns are swapped) may be a device's address, and
        /// the counts go to `/metrics` and `/api/status`.
        let storeSensors: Set<SensorID>
        var warnedOfUnknownSensor = false

        init(pipeline: Pipeline) {
            self.pipeline = pipeline
            storeSensors = Set(pipeline.configuration.layout.sensors.map(\.id))
        }
        var lastInput: Double?
        /// The data's time of the latest input, observation or tick.
        var lastTime: Double?
        /// How many late observations the last line about them counted, and when.
        var lateLogged = (count: 0, time: -Double.infinity)
        var pseudonyms = PseudonymCache()
        /// What was last kept of the learnt radio, and when (the data's time).
        var keptRadio: [LearntRadioValue] = []
        var keptRadioAt: Double?
        /// The visits in progress and staff found at the last stop, taken back at the first input.
        var keptVisits: (kept: VisitTracker.Kept, savedAt: Double)?
        /// When (the data's time) erasure requests were last looked for.
        var erasuresCheckedAt = -Double.infinity
        /// When (the data's time) the database file was last looked at.
        var storeFileCheckedAt = -Double.infinity
    }

    /// How often (s of the data's time) the daemon looks at its database file.
    static let checkStoreFileEvery = 5.0

    /// The database file deleted or replaced under the gateway: it stops (keeping its visits in
    /// the file it has open), and the daemon saves that file's contents before it exits
    /// (`GatewayDaemon`), rather than carrying on into a file that goes with the process.
    private func checkStoreFile(_ state: inout State, at time: Double) throws {
        guard time - state.storeFileCheckedAt >= Self.checkStoreFileEvery || time < state.storeFileCheckedAt else { return }
        state.storeFileCheckedAt = time
        if let problem = store.fileProblem() {
            logger.critical("\(problem); stopping, and saving what it holds")
            throw StoreFileGone(description: problem)
        }
    }

    public struct StoreFileGone: Error, CustomStringConvertible {
        public var description: String
    }

    /// How often (s of the data's time) the daemon looks for erasure requests: `visits erase`
    /// waits for its answer.
    static let checkErasuresEvery = 1.0

    /// Takes the erasure requests `visits erase` left (`erasure_request`): the command erased
    /// what the database holds, but the visit in progress and the staff mark of the shopper are
    /// held here, in memory (and in the visits taken back at a start, not yet restored). They
    /// are dropped, what the pipeline stored of them since is erased again, and each request is
    /// answered with what was dropped. At the start (`time` nil) and then at most every
    /// `checkErasuresEvery` of the data's time. A failure is logged and tried at the next tick.
    private func takeErasures(_ state: inout State, at time: Double?) async {
        if let time {
            guard time - state.erasuresCheckedAt >= Self.checkErasuresEvery || time < state.erasuresCheckedAt else { return }
            state.erasuresCheckedAt = time
        }
        do {
            let pending = try store.pendingErasures()
            let identities = Set(pending.identities)
            // Answers no command came for go too (they name the erased shoppers' pseudonyms).
            guard !identities.isEmpty || pending.stale else { return }
            var dropped = state.pipeline.forget(identities)
            if var kept = state.keptVisits {
                let pipeline = state.pipeline
                var devices: [DeviceID] = []
                kept.kept.visits.removeAll { open in
                    guard let identity = pipeline.named(open.device, visitStart: open.visitStart, in: identities) else { return false }
                    dropped[identity, default: VisitTracker.Forgotten()].visits += 1
                    devices.append(open.device)
                    return true
                }
                state.pipeline.markErased(devices, at: kept.savedAt)
                for identity in identities where kept.kept.staff.removeValue(forKey: identity) != nil {
                    dropped[identity, default: VisitTracker.Forgotten()].staff += 1
                }
                state.keptVisits = kept
            }
            let events = try store.completeErasures(dropped)
            guard !identities.isEmpty else { return }
            await live.forget(anonymousIDs: identities.union(dropped.values.flatMap(\.anonymousIDs)))
            logger.info("took erasure requests", metadata: [
                "shoppers": "\(identities.count)", "visits_in_progress": "\(dropped.values.map(\.visits).reduce(0, +))",
                "staff_marks": "\(dropped.values.map(\.staff).reduce(0, +))", "events": "\(events)",
            ])
        } catch {
            logger.warning("cannot take the erasure requests; trying again at the next tick", metadata: ["error": "\(error)"])
        }
    }

    /// Visits in progress when the daemon stops (a restart, an upgrade, systemd's stop) are kept,
    /// sealed under the pseudonym key, and taken back at the next start: each carries on as the
    /// same visit, or ends with its `store.exited` dated when its shopper was last inside,
    /// instead of being left open and counted again as a new visit. (A crash keeps none.)
    private func keepOpenVisits(_ state: State) {
        // A restart before the kept visits were taken back keeps them as they were.
        let earlier = state.keptVisits
        let kept = earlier?.kept ?? state.pipeline.keptPresence
        // A run with no input at all keeps what it took back as it was.
        guard !kept.isEmpty, let time = state.lastTime ?? earlier?.savedAt else { return }
        do {
            try store.keepOpenVisits(try KeptOpenVisits.seal(kept, with: pseudonymizer), at: time)
            logger.info("kept the visits in progress for the next start", metadata: ["visits": "\(kept.visits.count)", "staff": "\(kept.staff.count)"])
        } catch {
            logger.warning("cannot keep the visits in progress; they will be left open", metadata: ["error": "\(error)"])
        }
    }

    private func takeOpenVisits(_ state: inout State) {
        do {
            guard let kept = try store.takeOpenVisits() else { return }
            guard let open = try KeptOpenVisits.open(kept.sealed, with: pseudonymizer) else {
                logger.warning("the visits kept at the last stop were sealed under another key; left open")
                return
            }
            state.keptVisits = (open, kept.savedAt)
        } catch {
            logger.warning("cannot read the visits kept at the last stop; they are left open", metadata: ["error": "\(error)"])
        }
    }

    /// Takes back the kept visits at the first input, unless its time is before they were kept
    /// (a trace replayed again from its start): their devices' estimates would be older than
    /// what the visits last saw.
    private func restoreOpenVisits(_ state: inout State, at input: PipelineInput) {
        guard let kept = state.keptVisits else { return }
        let time: Double?
        switch input {
        case .observation(let o): time = o.time
        case .observations(let list): time = list.first?.time
        case .tick(let t), .endOfRecording(let t): time = t
        }
        guard let time else { return }
        state.keptVisits = nil
        // The kept time is the last input's, which a sensor's clock may have put up to
        // `api.max_clock_skew` ahead of the wall clock that ticks after a restart.
        guard time >= kept.savedAt - Self.restoreTolerance else {
            // The staff found are staff still.
            state.pipeline.restore(keptPresence: VisitTracker.Kept(visits: [], staff: kept.kept.staff))
            logger.info("the data's time is before the last stop's; the visits kept then are left open", metadata: [
                "visits": "\(kept.kept.visits.count)", "kept_at": "\(RFC3339.string(kept.savedAt))",
            ])
            return
        }
        state.pipeline.restore(keptPresence: kept.kept)
        logger.info("took back the visits in progress at the last stop", metadata: [
            "visits": "\(kept.kept.visits.count)", "staff": "\(kept.kept.staff.count)", "kept_at": "\(RFC3339.string(kept.savedAt))",
        ])
    }

    /// Takes back what an earlier run learnt of the store's radio (sensor gains, the building's
    /// exponent), so that a restart does not start the learning afresh: a new gateway needs a
    /// few minutes of shoppers to learn them, and until then places devices by the guessed
    /// models (docs/positioning.md). Values whose sensor moved or was given a model since are
    /// left. Unreadable, they are left too: the learning starts afresh, as it always did.
    private func takeBackLearntRadio(_ state: inout State) {
        do {
            let kept = try store.learntRadio()
            guard !kept.values.isEmpty else { return }
            let (restored, ignored) = state.pipeline.restore(learntRadio: kept.values)
            state.keptRadio = kept.values
            logger.info("took back what was learnt of the radio", metadata: [
                "values": "\(restored)", "no_longer_fitting": "\(ignored)",
                "kept_at": "\(kept.savedAt.map { RFC3339.string($0) } ?? "?")",
            ])
        } catch {
            logger.warning("cannot read what was learnt of the radio; learning it afresh", metadata: ["error": "\(error)"])
        }
    }

    /// Keeps what the locator has learnt of the radio when it changed, at most once every
    /// `keepLearntRadioEvery` of the data's time (always when `time` is nil: at shutdown). A
    /// failure costs only the learning since the last keep: it is logged, and the pipeline goes
    /// on.
    private func keepLearntRadio(_ state: inout State, at time: Double?) {
        if let time, let last = state.keptRadioAt, time - last < Self.keepLearntRadioEvery { return }
        if let time { state.keptRadioAt = time }
        let values = state.pipeline.learntRadio
        guard values != state.keptRadio, !values.isEmpty else { return }
        do {
            try store.keepLearntRadio(values)
            state.keptRadio = values
        } catch {
            logger.warning("cannot keep what was learnt of the radio", metadata: ["error": "\(error)"])
        }
    }

    /// How far (s) the first input after a start may lie before the time the kept visits were
    /// kept at and still carry them on: more than a sensor's clock may be ahead.
    static let restoreTolerance = 120.0

    /// The label observations of a sensor the store file does not name are counted under.
    static let notInTheStore = SensorID("(not in the store)")

    private func count(_ o: Observation, _ state: inout State) {
        if state.storeSensors.contains(o.sensor) {
            state.counts[o.sensor, default: 0] += 1
            return
        }
        state.counts[Self.notInTheStore, default: 0] += 1
        guard !state.warnedOfUnknownSensor else { return }
        state.warnedOfUnknownSensor = true
        logger.warning("observations of a sensor the store file does not name ('\(AddressRedaction.redacted(o.sensor.rawValue))') are not used; counted as '\(Self.notInTheStore)' (a source's sensor names, or a trace's columns, may be wrong; logged once)")
    }

    private func consume(_ state: inout State) async throws {
        for await input in bus.stream {
            bus.taken(input)
            if state.keptVisits != nil { restoreOpenVisits(&state, at: input) }
            switch input {
            case .observation(let o):
                // Counted here and published with the next round, not per observation.
                count(o, &state)
                state.lastInput = o.time
                state.lastTime = o.time
                try state.pipeline.ingest(o, into: &state.outputs)
            case .observations(let list):
                for o in list {
                    count(o, &state)
                    try state.pipeline.ingest(o, into: &state.outputs)
                }
                if let last = list.last {
                    state.lastInput = last.time
                    state.lastTime = last.time
                }
            case .tick(let time), .endOfRecording(let time):
                state.lastTime = time
                // Before the tick ends visits: an erased shopper's visit ends with no event.
                await takeErasures(&state, at: time)
                try checkStoreFile(&state, at: time)
                if case .endOfRecording = input {
                    try state.pipeline.endRecording(at: time, into: &state.outputs)
                } else {
                    try state.pipeline.advance(to: time, into: &state.outputs)
                }
                try await flushCounts(&state)
                keepLearntRadio(&state, at: time)
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
        let late = state.pipeline.observationsLate
        metrics.late(late)
        if late > 0 { await live.record(late: state.pipeline.observationsLateBySensor) }
        if late > state.lateLogged.count, let time = state.lastTime, time - state.lateLogged.time >= Self.lateLogEvery {
            logger.warning("observations came later than presence.exit_after (at most 300 s) after they were heard, or far ahead, and were left (a sensor gateway catching up after an outage, or a sensor's clock behind); counted in footfall_pipeline_late_observations", metadata: [
                "since_start": "\(late)",
                "by_sensor": "\(Self.lateBySensor(state.pipeline.observationsLateBySensor))",
            ])
            state.lateLogged = (late, time)
        }
    }

    /// The sensors whose readings came late, most first (at most five, then how many more):
    /// the one whose clock is behind stands out.
    static func lateBySensor(_ counts: [SensorID: Int]) -> String {
        let sorted = counts.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
        let named = sorted.prefix(5).map { "\(AddressRedaction.redacted($0.key.rawValue)) \($0.value)" }
        return named.joined(separator: ", ") + (sorted.count > 5 ? " and \(sorted.count - 5) more" : "")
    }

    /// At most one line this often (s of the data's time) about observations that came late.
    static let lateLogEvery = 600.0

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
            // A full disk: the space set aside is freed for this batch and, as the daemon stops,
            // the visits in progress (both were lost: audit); the disk wants freeing still.
            if DatabaseFailure.isFull(error) || (error as? OutboxError)?.isFull == true, releaseReserve() {
                do {
                    _ = try await store.commit(state.outputs, engagedAfter: pipeline.configuration.presence.engagedAfter)
                    logger.critical("the data directory's disk is full: the space set aside for it was freed, and the events of the batch that failed are stored; stopping — free space on it, and the next start sets the space aside again")
                } catch {
                    logger.critical("the data directory's disk is full: the space set aside for it was freed, and still the events of the batch that failed could not be stored", metadata: ["error": "\(error)"])
                }
            }
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
