import FootfallCore
import GRDB

/// The visit history's intent methods: what the presence stage reads and records, and what
/// the privacy rules remove (retention, erasure).
extension GatewayDatabase {
    /// The visits of `identity` that started at or after `since`, oldest first.
    public func visits(of identity: String, since: Double) throws -> [VisitRecord] {
        try read { try VisitTable.visits(of: identity, since: since, in: $0) }
    }

    /// Records a visit; recording the same visit again (a replay, a restart) changes nothing.
    public func recordVisit(_ visit: VisitRecord) throws {
        try write { try VisitTable.record(visit, in: $0) }
    }

    /// Deletes the visits that ended before `cutoff`; returns how many.
    @discardableResult
    public func deleteVisits(endedBefore cutoff: Double) throws -> Int {
        try write { try VisitTable.delete(endedBefore: cutoff, in: $0) }
    }

    /// How many visits are on record.
    public func visitCount() throws -> Int {
        try read { try VisitTable.count(in: $0) }
    }

    /// An erasure request: the identity's whole visit history and every event still kept that
    /// carries its pseudonym (`anonymous_id`), delivered or not, with their letters, in one
    /// transaction. What was not sent yet is not sent; the sinks' cursors stand and their next
    /// batches skip the gap.
    @discardableResult
    public func erase(identity: String) throws -> (visits: Int, events: Int) {
        try erasing { db in
            (try VisitTable.erase(identity: identity, in: db), try Outbox.erase(anonymousID: identity, in: db))
        }
    }

    /// Runs an erasure in one transaction with SQLite's `secure_delete` on, so that what it
    /// deletes is overwritten in the file rather than left in free pages, then checkpoints the
    /// write-ahead log (which held the rows too) into the file and empties it, where no reader
    /// holds it (a running daemon's next checkpoint does it otherwise).
    func erasing<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            _ = try? db.checkpoint(.truncate)
            return result!
        }
    }
}
