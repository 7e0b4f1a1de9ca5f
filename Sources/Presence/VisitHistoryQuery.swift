import FootfallCore

/// What a `store.entered` of an identified shopper needs from the visit history: the visits of
/// its pseudonym that retention still keeps. The pipeline only says so; whoever applies its
/// outputs looks the visits up — the daemon inside its database transaction, a replay in memory —
/// with every visit ended before the event already recorded, and fills the event.
public struct VisitHistoryQuery: Hashable, Sendable {
    /// The shopper's stable pseudonym (`Pseudonymizer.identityKey`).
    public var identity: String
    /// The oldest visit start that counts: a visit past retention is as good as erased.
    public var since: Double

    public init(identity: String, since: Double) {
        self.identity = identity
        self.since = since
    }

    /// Copies into `event` the frequency of the visit it starts, from the visits the history
    /// gave for this query.
    public func fill(_ event: inout PresenceEvent, from visits: [VisitRecord]) {
        VisitFrequency.compute(previous: visits, at: event.occurredAt).apply(to: &event)
    }
}
