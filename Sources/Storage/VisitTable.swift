import FootfallCore
import GRDB

/// The `visit` table's SQL: completed visits of identified devices, keyed by pseudonym, with
/// the retention and erasure the privacy rules require. Every function takes the `Database` of
/// a transaction an intent method of `GatewayDatabase` opened.
enum VisitTable {
    static func visits(of identity: String, since: Double, in db: Database) throws -> [VisitRecord] {
        try VisitRecord.fetchAll(
            db, sql: "SELECT id, identity, started_at, ended_at FROM visit WHERE identity = ? AND started_at >= ? ORDER BY started_at",
            arguments: [identity, since])
    }

    /// Records a visit; recording the same visit again (a replay, a restart) changes nothing.
    static func record(_ visit: VisitRecord, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO visit (id, identity, started_at, ended_at, duration_seconds) VALUES (?, ?, ?, ?, ?)",
            arguments: [visit.id, visit.identity, visit.start, visit.end, visit.duration])
    }

    /// Deletes visits that ended before `cutoff`; returns how many.
    static func delete(endedBefore cutoff: Double, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM visit WHERE ended_at < ?", arguments: [cutoff])
        return db.changesCount
    }

    /// Erases an identity's whole history; returns how many visits were removed.
    static func erase(identity: String, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM visit WHERE identity = ?", arguments: [identity])
        return db.changesCount
    }

    static func count(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit") ?? 0
    }
}

/// Fetched by its coding keys, the `visit` table's columns.
extension VisitRecord: FetchableRecord {}
