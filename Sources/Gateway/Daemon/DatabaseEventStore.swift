import FootfallCore
import Forwarding
import GRDB
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

    public init(database: GatewayDatabase, health: ForwardingHealth, logger: Logger, retentionDays: Double = 400) {
        self.database = database
        history = DeferredVisitHistory(store: VisitHistoryStore(database: database))
        writer = OutboxWriter(database: database, health: health, logger: logger)
        retention = retentionDays * AnalyticsStore.day
    }

    public func append(_ events: [PresenceEvent], analytics: AnalyticsTally) throws {
        let visits = history.takePending()
        guard !events.isEmpty || !visits.isEmpty || !analytics.isEmpty else { return }
        // Once a day (of the data's own time): quarter hours older than a week become days, and
        // counts past the retention period go, in the same transaction as the new counts.
        let newest = analytics.counts.keys.map(\.intervalStart).max()
        let today = newest.map { ($0 / AnalyticsStore.day).rounded(.down) * AnalyticsStore.day }
        let maintain = today.map { day in maintainedDay.withLock { $0 < day } } ?? false
        do {
            try database.write { db in
                for visit in visits { try VisitHistoryStore.record(SQLiteVisitHistory.row(visit), in: db) }
                try Outbox.append(events, in: db)
                try AnalyticsStore.add(analytics, in: db)
                if maintain, let today {
                    try AnalyticsStore.compact(before: today - AnalyticsStore.keepQuarterHours, in: db)
                    try AnalyticsStore.prune(endedBefore: today - retention, in: db)
                }
            }
            if maintain, let today { maintainedDay.withLock { $0 = max($0, today) } }
            writer.succeeded()
        } catch {
            history.restore(visits)
            throw writer.failed(error, operation: "store \(events.count) events and \(visits.count) visits")
        }
    }
}

/// A visit history that reads from SQLite but holds new visits until the event store commits
/// them with their events; reads see the held visits too.
public final class DeferredVisitHistory: VisitHistory, @unchecked Sendable {
    let store: VisitHistoryStore
    private let lock = NSLock()
    private var pending: [VisitRecord] = []

    init(store: VisitHistoryStore) { self.store = store }

    public func visits(of identity: String, since: Double) throws -> [VisitRecord] {
        let held = lock.withLock { pending.filter { $0.identity == identity && $0.start >= since } }
        let stored = try store.visits(of: identity, since: since).map { VisitRecord(identity: $0.identity, start: $0.start, end: $0.end) }
        return stored + held.filter { !stored.contains($0) }
    }

    public func record(_ visit: VisitRecord) throws {
        lock.withLock { pending.append(visit) }
    }

    func takePending() -> [VisitRecord] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }

    func restore(_ visits: [VisitRecord]) {
        lock.withLock { pending.insert(contentsOf: visits, at: 0) }
    }
}

import Foundation

/// The event store and the delivery services of a configuration.
enum EventStoreFactory {
    struct Made {
        var store: DatabaseEventStore
        var services: [any Service]
        var status: @Sendable () async -> [String: String]
    }

    static func make(configuration: StoreConfiguration, data: GatewayData, logger: Logger, metricsFactory: (any MetricsFactory)? = nil) throws -> Made {
        let health = ForwardingHealth()
        let store = DatabaseEventStore(
            database: data.database, health: health, logger: logger, retentionDays: configuration.identity.retentionDays)
        var services: [any Service] = []
        var configured: Set<String> = []
        if !configuration.sinks.isEmpty {
            let forwarder = try Forwarder(configuration: configuration, database: data.database, health: health, logger: logger, metricsFactory: metricsFactory)
            configured = Set(forwarder.sinks.map(\.name))
            services.append(ForwarderService(forwarder: forwarder))
        }
        // A sink taken out of the store file still holds its cursor: every event after it is
        // kept until the sink is removed from the outbox.
        let forgotten = ((try? data.database.read { try Outbox.sinks(in: $0) }) ?? []).filter { !configured.contains($0) }
        for name in forgotten {
            logger.warning(
                "sink '\(name)' is in the outbox but not in the store file: the events not yet sent to it are kept for it; `footfall outbox remove-sink \(name)` lets them go")
        }
        let status: @Sendable () async -> [String: String] = { [configured] in
            var components: [String: String] = [:]
            for (name, value) in health.all { components[name] = "\(value)" }
            if let sinks = try? data.database.read({ try Outbox.status(in: $0) }) {
                for sink in sinks {
                    var text = "\(sink.pending) pending, \(sink.dead) dead"
                    if !configured.contains(sink.sink) { text += "; not in the store file (footfall outbox remove-sink \(sink.sink))" }
                    components["sink \(sink.sink)"] = text
                }
            }
            return components
        }
        return Made(store: store, services: services, status: status)
    }
}

import Metrics
import ServiceLifecycle

/// The forwarder as a service: it delivers until shutdown, then flushes what it can.
struct ForwarderService: Service {
    let forwarder: Forwarder
    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await forwarder.run()
        }
    }
}
