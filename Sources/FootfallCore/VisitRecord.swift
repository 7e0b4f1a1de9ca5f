/// A completed visit of an identified device: the one record of the visit history, kept in
/// memory by a replay and in the gateway database's `visit` table (its coding keys are the
/// table's columns).
public struct VisitRecord: Hashable, Sendable, Codable {
    /// Derived from the identity and the start (Presence's `VisitRecord(identity:start:end:)`),
    /// so recording the same visit again (a replay, a restart) keeps one.
    public var id: String
    /// The device's stable pseudonym (`Pseudonymizer.identityKey`), never its address.
    public var identity: String
    public var start: Double
    public var end: Double

    public init(id: String, identity: String, start: Double, end: Double) {
        self.id = id
        self.identity = identity
        self.start = start
        self.end = end
    }

    public var duration: Double { end - start }

    enum CodingKeys: String, CodingKey {
        case id, identity
        case start = "started_at"
        case end = "ended_at"
    }
}
