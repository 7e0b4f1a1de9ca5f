import FootfallCore
import Presence
import Testing

/// `PresenceStage`: a `store.entered` of an identified shopper asks the visit history for what
/// retention still keeps; the frequency it carries comes from the answer.
@Suite struct PresenceStageTests {
    static let key = [UInt8](repeating: 7, count: 32)

    static func stage(retentionDays: Double) -> PresenceStage {
        var identity = StoreConfiguration.IdentitySettings()
        identity.loyaltyUUIDs = [VisitTrackerTests.loyaltyUUID]
        identity.retentionDays = retentionDays
        let tracker = VisitTracker(
            storeID: "box", gatewayID: "gw", layout: VisitTrackerTests.layout, settings: .init(),
            policy: IdentityPolicy(settings: identity), pseudonymizer: Pseudonymizer(key: key))
        return PresenceStage(tracker: tracker, pseudonymizer: Pseudonymizer(key: key))
    }

    /// The loyal device standing inside from `start` for `seconds`, then gone until `until`.
    static func visit(_ stage: inout PresenceStage, from start: Double, seconds: Double, until: Double) -> [PresenceStage.Action] {
        var actions: [PresenceStage.Action] = []
        for t in stride(from: start, through: start + seconds, by: 1) {
            let estimate = PositionEstimate(time: t, device: VisitTrackerTests.loyal, position: Point(x: 5, y: 2), uncertainty: 1, zone: "front")
            actions += stage.update(estimate)
        }
        for t in stride(from: start + seconds + 1, through: until, by: 1) { actions += stage.tick(t) }
        return actions
    }

    @Test func aVisitPastRetentionDoesNotCountTowardsTheFrequency() throws {
        var stage = Self.stage(retentionDays: 30)
        let history = InMemoryVisitHistory()
        let start = 100_000_000.0, day = 86_400.0
        let pseudonym = Pseudonymizer(key: Self.key).identityKey(for: VisitTrackerTests.loyal)
        // 45 days ago: past the 30 days kept, as if retention had not run yet. 10 days ago: kept.
        try history.record(VisitRecord(identity: pseudonym, start: start - 45 * day, end: start - 45 * day + 600))
        try history.record(VisitRecord(identity: pseudonym, start: start - 10 * day, end: start - 10 * day + 600))
        let entered = Self.visit(&stage, from: start, seconds: 20, until: start + 20).compactMap { action in
            if case .emit(let event, _, _, let query?) = action, event.type == .storeEntered { (event, query) } else { nil }
        }
        let (stated, query) = try #require(entered.first)
        var event = stated
        #expect(entered.count == 1)
        #expect(query == VisitHistoryQuery(identity: pseudonym, since: event.occurredAt - 30 * day))
        #expect(event.visitNumber == nil, "the stage reads no history itself")
        query.fill(&event, from: try history.visits(of: query.identity, since: query.since))
        #expect(event.visitNumber == 2)
        #expect(event.daysSinceLastVisit.map { ($0 * 10).rounded() / 10 } == 10)
        #expect(event.visitsLast30Days == 2, "this visit and the one 10 days ago")
    }

    @Test func aVisitThatEndsComesOutAsAnActionBeforeTheNextVisitAsksForTheHistory() throws {
        var stage = Self.stage(retentionDays: 30)
        let start = 100_000_000.0
        // Two visits an hour apart: the first ends (and is to be recorded) before the second
        // store.entered asks the history, so the one who applies the actions in order counts it.
        let actions = Self.visit(&stage, from: start, seconds: 120, until: start + 1800)
            + Self.visit(&stage, from: start + 3600, seconds: 20, until: start + 3620)
        let order = actions.compactMap { action -> String? in
            switch action {
            case .emit(let event, _, _, let query) where event.type == .storeEntered: query == nil ? "entered without query" : "entered"
            case .visitEnded: "visit ended"
            case .emit: nil
            }
        }
        #expect(order == ["entered", "visit ended", "entered"])
        let history = InMemoryVisitHistory()
        var second: PresenceEvent?
        for action in actions {
            switch action {
            case .visitEnded(let visit): try history.record(visit)
            case .emit(var event, _, _, let query?):
                query.fill(&event, from: try history.visits(of: query.identity, since: query.since))
                second = event
            case .emit: continue
            }
        }
        #expect(second?.visitNumber == 2)
    }
}
