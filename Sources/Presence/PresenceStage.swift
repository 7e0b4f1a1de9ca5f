import FootfallCore

/// Turns the tracker's actions into what the pipeline hands on: events, ended visits, and for
/// each `store.entered` of an identified shopper the visit-history query its frequency fields
/// wait for. It reads and writes no history itself: whoever applies the actions does, in their
/// order (the daemon in its database transaction, a replay in memory).
public struct PresenceStage: Sendable {
    public private(set) var tracker: VisitTracker
    private let pseudonymizer: Pseudonymizer

    public enum Action: Hashable, Sendable {
        /// An event; `history` is set on a `store.entered` of an identified shopper, whose
        /// frequency is filled from the visits that query finds.
        case emit(PresenceEvent, device: DeviceID?, deliverable: Bool, history: VisitHistoryQuery?)
        /// A visit of an identified shopper ended: it goes into the visit history.
        case visitEnded(VisitRecord)
    }

    public init(tracker: VisitTracker, pseudonymizer: Pseudonymizer) {
        self.tracker = tracker
        self.pseudonymizer = pseudonymizer
    }

    /// Takes back what the tracker kept at a stop (`VisitTracker.kept`).
    public mutating func restore(_ kept: VisitTracker.Kept) {
        tracker.restore(kept)
    }

    /// Kept visits an erasure request dropped (`VisitTracker.markErased`).
    public mutating func markErased(_ devices: [DeviceID], at time: Double) {
        tracker.markErased(devices, at: time)
    }

    /// An erasure request (`VisitTracker.forget`).
    public mutating func forget(_ identities: Set<String>) -> [String: VisitTracker.Forgotten] {
        tracker.forget(identities)
    }

    // The tracker's actions are taken before `actions` is called: in `actions(tracker.update(…))`
    // the call would hold a copy of `self` while the tracker mutates, and every update would
    // copy the whole table of devices.
    public mutating func update(_ estimate: PositionEstimate) -> [Action] {
        let actions = tracker.update(estimate)
        return self.actions(actions)
    }

    public mutating func tick(_ time: Double) -> [Action] {
        let actions = tracker.tick(time)
        return self.actions(actions)
    }

    public func actions(_ trackerActions: [VisitTracker.Action]) -> [Action] {
        trackerActions.map { action in
            switch action {
            case .emit(let event, let device, let deliverable):
                var history: VisitHistoryQuery?
                if event.type == .storeEntered, let device, tracker.policy.isIdentified(device) {
                    let retention = tracker.policy.settings.retentionDays * 86_400
                    history = VisitHistoryQuery(identity: pseudonymizer.identityKey(for: device), since: event.occurredAt - retention)
                }
                return .emit(event, device: device, deliverable: deliverable, history: history)
            case .visitEnded(let record):
                return .visitEnded(record)
            }
        }
    }
}
