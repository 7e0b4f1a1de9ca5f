import FootfallCore
import Forwarding
import Logging
import Pipeline
import Presence
import Storage
import Synchronization

/// The daemon's event store: a batch of the pipeline's outputs is applied in ONE transaction —
/// the visits that ended, the history each `store.entered` is counted from, the events and
/// their analytics — so a crash can neither lose an event nor record a visit whose events were
/// never queued.
public final class DatabaseEventStore: EventStore, Sendable {
    public let database: GatewayDatabase
    let writer: OutboxWriter
    /// How long the analytics are kept (`identity.retention_days`, as the visit history), s.
    let retention: Double
    /// The last UTC day (its start) whose arrival compacted and pruned the analytics.
    private let maintainedDay = Mutex<Double>(-.infinity)
    /// The day a wait for a clock far ahead was last logged (`maintain`): once a day.
    private let warnedDay = Mutex<Double?>(nil)
    private let logger: Logger
    /// A day this far past the newest counts kept is taken for a clock set wrong until the
    /// data's time has held there `confirmAfter`: more than the week of quarter hours the upkeep
    /// keeps, which a clock days ahead would fold into days (a gateway switched off for a week
    /// waits an hour for its upkeep).
    static let suspectGap = 8 * 86_400.0
    static let confirmAfter = 3_600.0
    /// A UTC day, s: the analytics' upkeep runs once a day.
    static let day = 86_400.0
    /// The daemon's clock: events are stamped with the time they joined the outbox.
    let timing: Timing

    public func fileProblem() -> String? { database.fileProblem }

    public init(database: GatewayDatabase, health: ForwardingHealth, logger: Logger, retentionDays: Double = 400, timing: Timing = .live) {
        self.logger = logger
        self.database = database
        self.timing = timing
        writer = OutboxWriter(database: database, health: health, logger: logger)
        retention = retentionDays * Self.day
    }

    public func commit(_ outputs: [Pipeline.Output], engagedAfter: Double) async throws -> [Pipeline.Output] {
        var visits = 0, deliverable = 0, events = 0
        for output in outputs {
            switch output {
            case .position: continue
            case .visitEnded: visits += 1
            case .event(_, _, let isDeliverable, _, _):
                events += 1
                if isDeliverable { deliverable += 1 }
            }
        }
        guard visits + events > 0 else { return outputs }
        do {
            let (applied, maintained) = try await database.transaction { [self] transaction in
                var applied = outputs
                var stored: [PresenceEvent] = []
                // Every event is counted, those of devices that may only be counted too.
                var analytics = AnalyticsTally(engagedAfter: engagedAfter)
                // In the pipeline's order: a store.entered counts the visits that ended before
                // it, those recorded a moment ago in this transaction included.
                for index in applied.indices {
                    switch applied[index] {
                    case .position:
                        continue
                    case .visitEnded(let visit):
                        try transaction.recordVisit(visit)
                    case .event(var event, let device, let isDeliverable, let decidedAt, let query):
                        if let query {
                            query.fill(&event, from: try transaction.visits(of: query.identity, since: query.since))
                            applied[index] = .event(event, device: device, deliverable: isDeliverable, decidedAt: decidedAt, history: nil)
                        }
                        analytics.add(event)
                        if isDeliverable { stored.append(event) }
                    }
                }
                try transaction.append(stored, appendedAt: timing.now())
                try transaction.addAnalytics(analytics)
                return (applied, try maintain(analytics, in: transaction))
            }
            if let maintained { maintainedDay.withLock { $0 = max($0, maintained) } }
            writer.succeeded()
            return applied
        } catch {
            throw writer.failed(error, operation: Self.operation(events: deliverable, visits: visits))
        }
    }

    public func append(_ events: [PresenceEvent], analytics: AnalyticsTally) throws {
        guard !events.isEmpty || !analytics.isEmpty else { return }
        do {
            let maintained = try database.transaction { transaction in
                try transaction.append(events, appendedAt: timing.now())
                try transaction.addAnalytics(analytics)
                return try maintain(analytics, in: transaction)
            }
            if let maintained { maintainedDay.withLock { $0 = max($0, maintained) } }
            writer.succeeded()
        } catch {
            throw writer.failed(error, operation: Self.operation(events: events.count, visits: 0))
        }
    }

    /// What a failed commit was storing, as its error says it: "store 3 events and 1 visit",
    /// or the counts alone (a round that decided no event: "store the visit counts").
    static func operation(events: Int, visits: Int) -> String {
        guard events + visits > 0 else { return "store the visit counts" }
        let parts = [(events, "event"), (visits, "visit")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        return "store " + parts.joined(separator: " and ")
    }

    public func learntRadio() throws -> (values: [LearntRadioValue], savedAt: Double?) {
        try database.learntRadio()
    }

    public func keepLearntRadio(_ values: [LearntRadioValue]) throws {
        try database.replaceLearntRadio(values, at: timing.now())
    }

    public func keepOpenVisits(_ sealed: [UInt8], at time: Double) throws {
        try database.keepState(KeptOpenVisits.name, value: sealed, at: time)
    }

    public func takeOpenVisits() throws -> (sealed: [UInt8], savedAt: Double)? {
        try database.takeState(KeptOpenVisits.name).map { ($0.value, $0.savedAt) }
    }

    public func pendingErasures() throws -> (identities: [String], stale: Bool) {
        try database.pendingErasures(staleBefore: timing.now() - GatewayDatabase.erasureAnswerKept)
    }

    public func completeErasures(_ dropped: [String: VisitTracker.Forgotten]) throws -> Int {
        try database.completeErasures(
            dropped.mapValues { ($0.visits, $0.staff) }, anonymousIDs: dropped.mapValues(\.anonymousIDs), at: timing.now())
    }

    /// Once a day (of the data's own time): quarter hours older than a week become days, and
    /// counts past the retention period go, in the same transaction as the new counts. Returns
    /// the day maintained, to be noted once the transaction commits.
    private func maintain(_ analytics: AnalyticsTally, in transaction: GatewayDatabase.Transaction) throws -> Double? {
        guard let newest = analytics.counts.keys.map(\.intervalStart).max() else { return nil }
        let today = (newest / Self.day).rounded(.down) * Self.day
        guard maintainedDay.withLock({ $0 < today }) else { return nil }
        // A clock set years ahead (a bad real-time clock, a typo by hand) would prune every
        // count kept and fold the last week into days, for good, at its first batch: a day
        // far past every count kept but the last hour's (this batch's and those just before it)
        // is maintained only once the data's time has held there an hour (NTP puts such a
        // clock right within minutes). Read from the counts themselves, so a restart while
        // waiting waits on.
        if let anchor = try transaction.newestAnalytics(outside: newest - Self.confirmAfter, newest), today - anchor > Self.suspectGap {
            let first = warnedDay.withLock { warned -> Bool in
                defer { warned = today }
                return warned != today
            }
            if first {
                logger.warning("the data's time (\(RFC3339.string(newest))) is \(Int((today - anchor) / Self.day)) days past the analytics kept before it (\(RFC3339.string(anchor))): if the clock is wrong, its upkeep would prune every count older than identity.retention_days from then and fold the last week into days; it waits until that time has held for an hour (check the gateway's clock: timedatectl)")
            }
            return nil
        }
        try transaction.maintainAnalytics(day: today, retention: retention)
        return today
    }
}
