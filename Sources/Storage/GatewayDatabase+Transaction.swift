import FootfallCore
import Foundation
import GRDB

extension GatewayDatabase {
    /// One transaction of the daemon's pipeline: the visits that ended, the history the
    /// `store.entered` events are counted from, the events and their analytics — all land, or
    /// none does, so a crash can neither lose an event nor record a visit whose events were
    /// never queued. Valid only inside the `transaction` call that hands it out.
    public struct Transaction {
        let db: Database

        /// The visits of `identity` that started at or after `since`, those recorded earlier in
        /// this transaction included.
        public func visits(of identity: String, since: Double) throws -> [VisitRecord] {
            try VisitTable.visits(of: identity, since: since, in: db)
        }

        /// Records a visit; recording the same visit again changes nothing.
        public func recordVisit(_ visit: VisitRecord) throws {
            try VisitTable.record(visit, in: db)
        }

        /// Appends events to the outbox in order.
        public func append(_ events: [PresenceEvent], appendedAt: Double) throws {
            try Outbox.append(events, appendedAt: appendedAt, in: db)
        }

        /// Adds a tally's counts to the store analytics.
        public func addAnalytics(_ tally: AnalyticsTally) throws {
            try AnalyticsStore.add(tally, in: db)
        }

        /// The analytics' daily upkeep as of the UTC day starting at `day`: quarter hours older
        /// than a week are folded into days, and counts that ended `retention` seconds before
        /// the day go.
        /// The start of the newest interval with analytics counts outside (`from`, `to`].
        public func newestAnalytics(outside from: Double, _ to: Double) throws -> Double? {
            try AnalyticsStore.newestStart(outside: from, to, in: db)
        }

        public func maintainAnalytics(day: Double, retention: Double) throws {
            try AnalyticsStore.compact(before: day - AnalyticsStore.keepQuarterHours, in: db)
            try AnalyticsStore.prune(endedBefore: day - retention, in: db)
        }
    }

    /// Runs `body` in one write transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        try write { db in try body(Transaction(db: db)) }
    }

    /// The same, on GRDB's writer queue rather than the caller's thread.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
        try await writer.write { db in try body(Transaction(db: db)) }
    }
}
