import FootfallCore
import GRDB

/// The `analytics_count` table's SQL: the store analytics kept on the gateway. Every function
/// takes the `Database` of a transaction an intent method of `GatewayDatabase` opened, so the
/// counts land with the events they come from, or not at all.
enum AnalyticsStore {
    static let day = 86_400.0
    /// Quarter hours older than this are compacted into days.
    static let keepQuarterHours = 7 * day

    /// Adds a tally's counts to what is stored.
    static func add(_ tally: AnalyticsTally, in db: Database) throws {
        guard !tally.isEmpty else { return }
        // One statement a count, on the daemon's every commit: the row is the record's, the
        // addition to what is stored SQLite's (GRDB's upsert needs a rowid this table has not).
        let statement = try db.cachedStatement(sql: """
            INSERT INTO analytics_count (interval_start, interval_seconds, zone, metric, value) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (interval_start, interval_seconds, zone, metric) DO UPDATE SET value = value + excluded.value
            """)
        for count in tally.asCounts.map(AnalyticsCountRecord.init) {
            try statement.execute(arguments: [count.intervalStart, count.intervalSeconds, count.zone, count.metric, count.value])
        }
    }

    /// Folds the quarter hours of every UTC day that ended by `cutoff` into one row per day.
    /// Returns how many quarter-hour rows were folded.
    @discardableResult
    static func compact(before cutoff: Double, in db: Database) throws -> Int {
        let lastDay = (cutoff / day).rounded(.down) * day
        try db.execute(sql: """
            INSERT INTO analytics_count (interval_start, interval_seconds, zone, metric, value)
            SELECT CAST(interval_start / 86400 AS INTEGER) * 86400.0, 86400.0, zone, metric, sum(value)
            FROM analytics_count WHERE interval_seconds < 86400 AND interval_start < ?
            GROUP BY 1, zone, metric
            ON CONFLICT (interval_start, interval_seconds, zone, metric) DO UPDATE SET value = value + excluded.value
            """, arguments: [lastDay])
        try db.execute(sql: "DELETE FROM analytics_count WHERE interval_seconds < 86400 AND interval_start < ?", arguments: [lastDay])
        return db.changesCount
    }

    /// Deletes the counts of intervals that ended before `cutoff` (the retention period);
    /// returns how many rows went.
    @discardableResult
    static func prune(endedBefore cutoff: Double, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM analytics_count WHERE interval_start + interval_seconds <= ?", arguments: [cutoff])
        return db.changesCount
    }

    /// The start of the newest interval with counts outside (`from`, `to`], or nil.
    static func newestStart(outside from: Double, _ to: Double, in db: Database) throws -> Double? {
        try Double.fetchOne(db, sql: "SELECT MAX(interval_start) FROM analytics_count WHERE interval_start <= ? OR interval_start > ?", arguments: [from, to])
    }

    /// The counts of intervals that overlap [from, to) (a day compacted from quarter hours
    /// overlaps a range that begins after its midnight), oldest first.
    static func counts(from: Double, to: Double, in db: Database) throws -> [AnalyticsCount] {
        // A metric this version does not know (written by a newer one) is skipped.
        try AnalyticsCountRecord
            // (The first bound lets the index on interval_start serve: no interval is over a day.)
            .filter(Column("interval_start") > from - 86_400 && Column("interval_start") + Column("interval_seconds") > from && Column("interval_start") < to)
            .order(Column("interval_start"), Column("zone"), Column("metric"))
            .fetchAll(db)
            .compactMap(\.count)
    }

    /// The zones that have counts, in name order.
    static func zones(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT zone FROM analytics_count WHERE zone <> '' ORDER BY zone")
    }
}
