import Foundation
import GRDB

/// State kept across a stop of the daemon (`kept_state`), by name.
extension GatewayDatabase {
    /// Keeps `value` under `name`, in place of what was kept; `time` is when (the data's time).
    public func keepState(_ name: String, value: [UInt8], at time: Double) throws {
        try write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO kept_state (name, value, saved_at) VALUES (?, ?, ?)",
                arguments: [name, Data(value), time])
        }
    }

    /// What is kept under `name`, left there; nil when nothing is.
    public func keptState(_ name: String) throws -> (value: [UInt8], savedAt: Double)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT value, saved_at FROM kept_state WHERE name = ?", arguments: [name]) else {
                return nil
            }
            let value: Data = row["value"]
            let savedAt: Double = row["saved_at"]
            return (Array(value), savedAt)
        }
    }

    /// Replaces what is kept under `name` by `change`'s answer to it, in one transaction (so
    /// that a daemon keeping or taking it meanwhile is ordered before or after, never between);
    /// `change` answering nil leaves it as it was. False when nothing is kept.
    @discardableResult
    public func updateState(_ name: String, _ change: ([UInt8]) throws -> [UInt8]?) throws -> Bool {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT value FROM kept_state WHERE name = ?", arguments: [name]) else { return false }
            let value: Data = row["value"]
            guard let changed = try change(Array(value)) else { return true }
            try db.execute(sql: "UPDATE kept_state SET value = ? WHERE name = ?", arguments: [Data(changed), name])
            return true
        }
    }

    /// What was kept under `name`, taken away in the same transaction, so that it is taken back
    /// at most once; nil when nothing was.
    public func takeState(_ name: String) throws -> (value: [UInt8], savedAt: Double)? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT value, saved_at FROM kept_state WHERE name = ?", arguments: [name]) else {
                return nil
            }
            try db.execute(sql: "DELETE FROM kept_state WHERE name = ?", arguments: [name])
            let value: Data = row["value"]
            let savedAt: Double = row["saved_at"]
            return (Array(value), savedAt)
        }
    }
}
