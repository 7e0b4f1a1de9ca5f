import FootfallCore
import Presence
import Testing

/// `PresenceStage`: `store.entered` carries the frequency of what the history still keeps.
@Suite struct PresenceStageTests {
    @Test func aVisitPastRetentionDoesNotCountTowardsTheFrequency() throws {
        let key = [UInt8](repeating: 7, count: 32)
        var identity = StoreConfiguration.IdentitySettings()
        identity.loyaltyUUIDs = [VisitTrackerTests.loyaltyUUID]
        identity.retentionDays = 30
        let tracker = VisitTracker(
            storeID: "box", gatewayID: "gw", layout: VisitTrackerTests.layout, settings: .init(),
            policy: IdentityPolicy(settings: identity), pseudonymizer: Pseudonymizer(key: key))
        let history = InMemoryVisitHistory()
        let start = 100_000_000.0, day = 86_400.0
        let pseudonym = Pseudonymizer(key: key).identityKey(for: VisitTrackerTests.loyal)
        // 45 days ago: past the 30 days kept, as if retention had not run yet. 10 days ago: kept.
        try history.record(VisitRecord(identity: pseudonym, start: start - 45 * day, end: start - 45 * day + 600))
        try history.record(VisitRecord(identity: pseudonym, start: start - 10 * day, end: start - 10 * day + 600))
        var stage = PresenceStage(tracker: tracker, history: history, pseudonymizer: Pseudonymizer(key: key))
        var entered: PresenceEvent?
        for t in stride(from: start, through: start + 20, by: 1) {
            let estimate = PositionEstimate(time: t, device: VisitTrackerTests.loyal, position: Point(x: 5, y: 2), uncertainty: 1, zone: "front")
            for emitted in try stage.update(estimate) where emitted.event.type == .storeEntered { entered = emitted.event }
        }
        let event = try #require(entered)
        #expect(event.visitNumber == 2)
        #expect(event.daysSinceLastVisit.map { ($0 * 10).rounded() / 10 } == 10)
        #expect(event.visitsLast30Days == 2, "this visit and the one 10 days ago")
    }
}
