import GRDB

/// The `visit` table: completed visits of identified devices, keyed by pseudonym, with the
/// retention and erasure the privacy rules require.
public struct VisitHistoryStore: Sendable {
    public struct Row: Hashable, Sendable {
        public var id: String
        public var identity: String
        public var start: Double
        public var end: Double
        public init(id: String, identity: String, start: Double, end: Double) {
            self.id = id
            self.identity = identity
            self.start = start
            self.end = end
        }
    }

    public let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func visits(of identity: String, since: Double) throws -> [Row] {
        try database.read { db in try Self.visits(of: identity, since: since, in: db) }
    }

    public static func visits(of identity: String, since: Double, in db: Database) throws -> [Row] {
        try GRDB.Row.fetchAll(
            db, sql: "SELECT id, identity, started_at, ended_at FROM visit WHERE identity = ? AND started_at >= ? ORDER BY started_at",
            arguments: [identity, since]
        ).map { Row(id: $0["id"], identity: $0["identity"], start: $0["started_at"], end: $0["ended_at"]) }
    }

    /// Records a visit; recording the same visit again (a replay, a restart) changes nothing.
    public func record(_ row: Row) throws {
        try database.write { db in try Self.record(row, in: db) }
    }

    public static func record(_ row: Row, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO visit (id, identity, started_at, ended_at, duration_seconds) VALUES (?, ?, ?, ?, ?)",
            arguments: [row.id, row.identity, row.start, row.end, row.end - row.start])
    }

    /// Deletes visits that ended before `cutoff`; returns how many.
    @discardableResult
    public func deleteVisits(endedBefore cutoff: Double) throws -> Int {
        try database.write { db in
            try db.execute(sql: "DELETE FROM visit WHERE ended_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    /// Erases an identity's whole history; returns how many visits were removed.
    @discardableResult
    public func erase(identity: String) throws -> Int {
        try database.write { db in
            try db.execute(sql: "DELETE FROM visit WHERE identity = ?", arguments: [identity])
            return db.changesCount
        }
    }

    public func count() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit") ?? 0 }
    }
}
