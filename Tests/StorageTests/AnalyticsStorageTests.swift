import FootfallCore
import GRDB
@testable import Storage
import Testing

/// The store analytics' intent methods on an in-memory database: counts add up, are read by
/// interval and pruned by retention.
@Suite struct AnalyticsStorageTests {
    static let midnight = 1_700_006_400.0  // a UTC midnight

    static func tally(_ entries: [(AnalyticsMetric, String, Double, Int)]) -> AnalyticsTally {
        var tally = AnalyticsTally(engagedAfter: 120)
        for (metric, zone, time, count) in entries { tally.add(metric, zone: zone, at: time, count: count) }
        return tally
    }

    @Test func countsOfTheSameIntervalAddUpAndAreReadByIntervalStart() async throws {
        let db = try GatewayDatabase()
        try db.addAnalytics(Self.tally([(.visitors, "", Self.midnight + 60, 2), (.zoneEntries, "fresh", Self.midnight + 70, 1)]))
        try db.addAnalytics(Self.tally([(.visitors, "", Self.midnight + 800, 3), (.visitors, "", Self.midnight + 3600, 1)]))
        let firstQuarter = try await db.analyticsCounts(from: Self.midnight, to: Self.midnight + 900)
        #expect(firstQuarter == [
            AnalyticsCount(intervalStart: Self.midnight, intervalSeconds: 900, zone: "", metric: .visitors, value: 5),
            AnalyticsCount(intervalStart: Self.midnight, intervalSeconds: 900, zone: "fresh", metric: .zoneEntries, value: 1),
        ])
        // The API's handlers read the same off the cooperative pool.
        #expect(try await db.analyticsCounts(from: Self.midnight, to: Self.midnight + 7200) == db.analyticsCounts(from: 0, to: .infinity))
        #expect(try await db.analyticsCounts(from: 0, to: .infinity).count == 3)
    }

    @Test func pruningDeletesTheIntervalsThatEndedBeforeTheCutoff() throws {
        let db = try GatewayDatabase()
        try db.addAnalytics(Self.tally([(.visitors, "", Self.midnight, 1), (.visitors, "", Self.midnight + 900, 1)]))
        // The first quarter hour ends at midnight + 900: it goes, the second stays.
        #expect(try db.pruneAnalytics(endedBefore: Self.midnight + 900) == 1)
        #expect(try db.analyticsCounts(from: 0, to: .infinity).map(\.intervalStart) == [Self.midnight + 900])
    }

    @Test func aMetricWrittenByANewerVersionIsSkippedAndTheRestIsRead() throws {
        let db = try GatewayDatabase()
        try db.addAnalytics(Self.tally([(.visitors, "", Self.midnight, 4)]))
        try db.writer.write { db in
            try db.execute(
                sql: "INSERT INTO analytics_count VALUES (?, 900, '', 'heat_index', 7)", arguments: [Self.midnight])
        }
        #expect(try db.analyticsCounts(from: 0, to: .infinity) == [
            AnalyticsCount(intervalStart: Self.midnight, intervalSeconds: 900, zone: "", metric: .visitors, value: 4)
        ])
    }
}
