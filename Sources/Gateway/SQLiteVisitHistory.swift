import FootfallCore
import Presence
import Storage

/// The gateway database's visit history behind the presence stage's `VisitHistory`: what a
/// replay with `--data` reads and records, each visit in a transaction of its own.
public struct SQLiteVisitHistory: VisitHistory {
    public let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func visits(of identity: String, since: Double) throws -> [VisitRecord] {
        try database.visits(of: identity, since: since)
    }

    public func record(_ visit: VisitRecord) throws {
        try database.recordVisit(visit)
    }
}
