import FootfallCore
import Forwarding
import Logging
import Presence
import Storage
import Synchronization

/// The daemon's event store: the visits that ended and the events they produced are written
/// in ONE transaction — visit history and outbox together — so a crash can neither lose an
/// event nor record a visit whose events were never queued.
public final class DatabaseEventStore: EventStore, Sendable {
    public let database: GatewayDatabase
    public let history: DeferredVisitHistory
    let writer: OutboxWriter
    /// How long the analytics are kept (`identity.retention_days`, as the visit history), s.
    let retention: Double
    /// The last UTC day (its start) whose arrival compacted and pruned the analytics.
    private let maintainedDay = Mutex<Double>(-.infinity)
    /// A UTC day, s: the analytics' upkeep runs once a day.
    static let day = 86_400.0

    public init(database: GatewayDatabase, health: ForwardingHealth, logger: Logger, retentionDays: Double = 400) {
        self.database = database
        history = DeferredVisitHistory(database: database)
        writer = OutboxWriter(database: database, health: health, logger: logger)
        retention = retentionDays * Self.day
    }

    public func append(_ events: [PresenceEvent], analytics: AnalyticsTally) throws {
        let visits = history.takePending()
        guard !events.isEmpty || !visits.isEmpty || !analytics.isEmpty else { return }
        // Once a day (of the data's own time): quarter hours older than a week become days, and
        // counts past the retention period go, in the same transaction as the new counts.
        let newest = analytics.counts.keys.map(\.intervalStart).max()
        let today = newest.map { ($0 / Self.day).rounded(.down) * Self.day }
        let maintain = today.map { day in maintainedDay.withLock { $0 < day } } ?? false
        do {
            try database.transaction { transaction in
                for visit in visits { try transaction.recordVisit(visit) }
                try transaction.append(events)
                try transaction.addAnalytics(analytics)
                if maintain, let today { try transaction.maintainAnalytics(day: today, retention: retention) }
            }
            if maintain, let today { maintainedDay.withLock { $0 = max($0, today) } }
            writer.succeeded()
        } catch {
            history.restore(visits)
            throw writer.failed(error, operation: "store \(events.count) events and \(visits.count) visits")
        }
    }
}
