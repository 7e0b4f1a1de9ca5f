import FootfallCore

/// Where completed visits are kept: SQLite on a gateway (Storage), memory in a replay.
public protocol VisitHistory: Sendable {
    /// Visits of `identity` that started at or after `since`.
    func visits(of identity: String, since: Double) throws -> [VisitRecord]
    func record(_ visit: VisitRecord) throws
}
