import FootfallCore
import FootfallTesting
import Storage
import Testing

/// The visit history's intent methods on an in-memory database: what the presence stage reads
/// and records, retention and erasure.
@Suite struct VisitHistoryStorageTests {
    let day = 86_400.0
    let now = 1_800_000_000.0

    func visit(_ identity: String, daysAgo: Double, seconds: Double = 60) -> VisitRecord {
        let start = now - daysAgo * day
        return VisitRecord(id: "\(identity)@\(start)", identity: identity, start: start, end: start + seconds)
    }

    @Test func visitsComeBackOldestFirstFromTheGivenStartAndARecordedVisitIsKeptOnce() throws {
        let db = try GatewayDatabase()
        for daysAgo in [3.0, 40, 1] { try db.recordVisit(visit("id-x", daysAgo: daysAgo, seconds: 300)) }
        try db.recordVisit(visit("id-y", daysAgo: 2))
        // Recording the same visit again (a replay, a restart) changes nothing.
        try db.recordVisit(visit("id-x", daysAgo: 1, seconds: 300))
        let visits = try db.visits(of: "id-x", since: now - 30 * day)
        #expect(visits == [visit("id-x", daysAgo: 3, seconds: 300), visit("id-x", daysAgo: 1, seconds: 300)])
        #expect(visits.allSatisfy { $0.duration == 300 })
        #expect(try db.visitCount() == 4)
    }

    @Test func retentionDeletesOnlyVisitsThatEndedBeforeTheCutoff() throws {
        let db = try GatewayDatabase()
        try db.recordVisit(visit("id-a", daysAgo: 500))
        try db.recordVisit(visit("id-a", daysAgo: 10))
        try db.recordVisit(visit("id-b", daysAgo: 5))
        #expect(try db.deleteVisits(endedBefore: now - 400 * day) == 1)
        #expect(try db.visitCount() == 2)
        #expect(try db.visits(of: "id-a", since: -.infinity) == [visit("id-a", daysAgo: 10)])
    }

    @Test func erasingAnIdentityRemovesItsVisitsAndItsEventsAndKeepsEveryoneElses() throws {
        let db = try GatewayDatabase()
        try db.recordVisit(visit("shopper-1", daysAgo: 10))
        try db.recordVisit(visit("shopper-1", daysAgo: 2))
        try db.recordVisit(visit("shopper-2", daysAgo: 2))
        // 14 events over shoppers 0–6: shopper-1's are e-000001 and e-000008.
        try db.append(TestEvents.make(count: 14), appendedAt: Timing.live.now())
        let erased = try db.erase(identity: "shopper-1")
        #expect(erased.visits == 2 && erased.events == 2)
        #expect(try db.visits(of: "shopper-1", since: -.infinity).isEmpty)
        #expect(try db.keptEventCount(identity: "shopper-1") == 0)
        #expect(try db.visits(of: "shopper-2", since: -.infinity).count == 1)
        #expect(try db.keptEventCount(identity: "shopper-2") == 2)
        let none = try db.erase(identity: "never-seen")
        #expect(none.visits == 0 && none.events == 0)
    }
}
