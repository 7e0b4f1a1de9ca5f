import FootfallCore
import FootfallTesting
import Storage
import Testing

/// `GatewayDatabase.transaction`, the daemon's one transaction per batch: the history it reads
/// includes what it recorded, and it lands whole or not at all.
@Suite struct TransactionTests {
    static let midnight = 1_700_006_400.0  // a UTC midnight
    static let day = 86_400.0

    static func visit(_ identity: String, start: Double) -> VisitRecord {
        VisitRecord(id: "\(identity)@\(start)", identity: identity, start: start, end: start + 600)
    }

    @Test func aTransactionReadsTheVisitsItRecordedBeforeItCommits() throws {
        let db = try GatewayDatabase()
        try db.recordVisit(Self.visit("id-x", start: Self.midnight - 2 * Self.day))
        let seen = try db.transaction { transaction in
            try transaction.recordVisit(Self.visit("id-x", start: Self.midnight - Self.day))
            return try transaction.visits(of: "id-x", since: 0).map(\.start)
        }
        #expect(seen == [Self.midnight - 2 * Self.day, Self.midnight - Self.day])
        #expect(try db.visitCount() == 2)
    }

    @Test func aTransactionThatThrowsLeavesNoVisitEventOrCount() throws {
        let db = try GatewayDatabase()
        struct DiskFailed: Error {}
        var tally = AnalyticsTally(engagedAfter: 120)
        tally.add(.visitors, at: Self.midnight)
        #expect(throws: DiskFailed.self) {
            try db.transaction { transaction in
                try transaction.recordVisit(Self.visit("id-x", start: Self.midnight))
                try transaction.append(TestEvents.make(count: 3), appendedAt: Timing.live.now())
                try transaction.addAnalytics(tally)
                throw DiskFailed()
            }
        }
        #expect(try db.visitCount() == 0)
        #expect(try db.lastSequence() == 0)
        #expect(try db.analyticsCounts(from: 0, to: .infinity).isEmpty)
    }

    @Test func theAsynchronousTransactionCommitsEventsVisitsAndCountsTogether() async throws {
        let db = try GatewayDatabase()
        var tally = AnalyticsTally(engagedAfter: 120)
        tally.add(.visitors, at: Self.midnight, count: 3)
        let appended = try await db.transaction { [tally] transaction in
            try transaction.recordVisit(Self.visit("id-x", start: Self.midnight))
            try transaction.append(TestEvents.make(count: 3), appendedAt: 1_700_000_000)
            try transaction.addAnalytics(tally)
            return 3
        }
        #expect(appended == 3)
        #expect(try db.visitCount() == 1)
        try await db.registerSink("a")
        #expect(try await db.nextBatch(for: "a", limit: 10).map(\.appendedAt) == [1_700_000_000, 1_700_000_000, 1_700_000_000])
        #expect(try await db.analyticsCounts(from: 0, to: .infinity).map(\.value) == [3])
    }

    @Test func theDailyUpkeepFoldsQuarterHoursOlderThanAWeekIntoDaysAndDropsCountsPastRetention() throws {
        let db = try GatewayDatabase()
        var tally = AnalyticsTally(engagedAfter: 120)
        for daysAgo in [40.0, 10, 1] {
            tally.add(.visitors, at: Self.midnight - daysAgo * Self.day + 9 * 3600, count: 2)
            tally.add(.visitors, at: Self.midnight - daysAgo * Self.day + 15 * 3600, count: 3)
        }
        try db.addAnalytics(tally)
        try db.transaction { try $0.maintainAnalytics(day: Self.midnight, retention: 30 * Self.day) }
        let counts = try db.analyticsCounts(from: 0, to: .infinity)
        #expect(counts == [
            // Ten days ago: one row for the day.
            AnalyticsCount(intervalStart: Self.midnight - 10 * Self.day, intervalSeconds: Self.day, zone: "", metric: .visitors, value: 5),
            // Yesterday, within the week: quarter hours as they were.
            AnalyticsCount(intervalStart: Self.midnight - Self.day + 9 * 3600, intervalSeconds: 900, zone: "", metric: .visitors, value: 2),
            AnalyticsCount(intervalStart: Self.midnight - Self.day + 15 * 3600, intervalSeconds: 900, zone: "", metric: .visitors, value: 3),
        ])
    }
}
