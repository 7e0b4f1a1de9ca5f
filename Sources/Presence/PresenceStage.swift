import FootfallCore

/// Applies the tracker's actions where no database is involved (replays, tests): fills
/// `store.entered` with the identity's visit frequency and records ended visits in a
/// `VisitHistory`. The daemon's presence actor does the same inside a database transaction.
public struct PresenceStage: Sendable {
    public private(set) var tracker: VisitTracker
    public let history: any VisitHistory
    private let pseudonymizer: Pseudonymizer

    public struct Emitted: Hashable, Sendable {
        public var event: PresenceEvent
        public var device: DeviceID?
        public var deliverable: Bool
    }

    public init(tracker: VisitTracker, history: any VisitHistory, pseudonymizer: Pseudonymizer) {
        self.tracker = tracker
        self.history = history
        self.pseudonymizer = pseudonymizer
    }

    // The tracker's actions are taken before `apply` is called: in `apply(tracker.update(…))`
    // the call would hold a copy of `self` while the tracker mutates, and every update would
    // copy the whole table of devices.
    public mutating func update(_ estimate: PositionEstimate) throws -> [Emitted] {
        let actions = tracker.update(estimate)
        return try apply(actions)
    }

    public mutating func tick(_ time: Double) throws -> [Emitted] {
        let actions = tracker.tick(time)
        return try apply(actions)
    }

    public func apply(_ actions: [VisitTracker.Action]) throws -> [Emitted] {
        var emitted: [Emitted] = []
        for action in actions {
            switch action {
            case .emit(var event, let device, let deliverable):
                if event.type == .storeEntered, let device, tracker.policy.isIdentified(device) {
                    let identity = pseudonymizer.identityKey(for: device)
                    // Only what retention still keeps: a visit past it is as good as erased.
                    let retention = tracker.policy.settings.retentionDays * 86_400
                    let previous = try history.visits(of: identity, since: event.occurredAt - retention)
                    VisitFrequency.compute(previous: previous, at: event.occurredAt).apply(to: &event)
                }
                emitted.append(Emitted(event: event, device: device, deliverable: deliverable))
            case .visitEnded(let record):
                try history.record(record)
            }
        }
        return emitted
    }
}
