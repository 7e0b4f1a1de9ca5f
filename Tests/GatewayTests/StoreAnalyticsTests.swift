import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Gateway
import Logging
import Storage
import Testing

/// The store analytics kept on the gateway (docs/analytics.md): counts per quarter hour and
/// zone written with their events on a real SQLite file, compacted, pruned, never touched by an
/// erasure, and read back as zeros where nothing happened.
@Suite struct StoreAnalyticsTests {
    /// 2026-12-01T00:00:00Z, a Tuesday.
    static let midnight = 1_796_083_200.0
    static let day = 86_400.0

    /// One visit of an identified, returning shopper: in at 09:55, 4 min in `fresh`
    /// straddling 10:00, out at 10:12 (17 min, engaged), plus a traffic aggregate with 3
    /// passers-by for the 09:45 quarter hour.
    static func visitEvents(at midnight: Double = midnight, anonymousID: String = "anon-visitor-1") -> [PresenceEvent] {
        let enter = midnight + 9 * 3600 + 55 * 60
        func event(_ type: PresenceEvent.Kind, _ time: Double, zone: String? = nil) -> PresenceEvent {
            var e = PresenceEvent(id: "\(type.rawValue)-\(time)", type: type, occurredAt: time, storeID: "demo-store", gatewayID: "gw")
            e.anonymousID = anonymousID
            e.zone = zone
            return e
        }
        var entered = event(.storeEntered, enter)
        entered.loyaltyClass = "weekly"
        let zoneIn = event(.zoneEntered, enter + 180, zone: "fresh")
        var dwell = event(.zoneDwell, enter + 240, zone: "fresh")
        dwell.dwellSeconds = 60
        var zoneOut = event(.zoneExited, enter + 420, zone: "fresh")
        zoneOut.dwellSeconds = 240
        var exited = event(.storeExited, enter + 17 * 60)
        exited.visitDurationSeconds = 17 * 60
        var traffic = PresenceEvent(id: "traffic", type: .storeTraffic, occurredAt: midnight + 10 * 3600, storeID: "demo-store", gatewayID: "gw")
        traffic.traffic = .init(
            intervalStart: midnight + 9 * 3600 + 45 * 60, intervalSeconds: 900, passersBy: 3, visitors: 0, engagedVisitors: 0,
            dwellHistogram: [0, 0, 0, 0, 0, 0])
        return [entered, zoneIn, dwell, zoneOut, exited, traffic]
    }

    static func tally(_ events: [PresenceEvent]) -> AnalyticsTally {
        var tally = AnalyticsTally(engagedAfter: 300)
        tally.add(events)
        return tally
    }

    @Test func aVisitIsCountedInTheQuarterHourItBeganAndItsZoneSecondsAreSplitAcrossTheHour() {
        let counts = Self.tally(Self.visitEvents()).counts
        let q945 = Self.midnight + 9 * 3600 + 45 * 60, q1000 = Self.midnight + 10 * 3600
        func count(_ metric: AnalyticsMetric, _ zone: String, _ start: Double) -> Int? {
            counts[AnalyticsKey(intervalStart: start, zone: zone, metric: metric)]
        }
        #expect(count(.visitors, "", q945) == 1)
        #expect(count(.passersBy, "", q945) == 3)
        #expect(count(.engagedVisitors, "", q945) == 1)
        #expect(count(.dwell15To30Min, "", q945) == 1)
        #expect(count(.identifiedWeekly, "", q945) == 1)
        #expect(count(.zoneEntries, "fresh", q945) == 1)
        #expect(count(.zoneDwells, "fresh", q945) == 1)
        // In `fresh` from 09:58 to 10:02: two minutes each side of 10:00.
        #expect(count(.zoneSeconds, "fresh", q945) == 120)
        #expect(count(.zoneSeconds, "fresh", q1000) == 120)
        // In the store from 09:55 to 10:12.
        #expect(count(.visitSeconds, "", q945) == 300)
        #expect(count(.visitSeconds, "", q1000) == 720)
    }

    @Test func countsWrittenWithTheirEventsAreThereAfterTheDatabaseIsReopenedAndHoldNoIdentity() throws {
        let directory = Fixtures.temporaryDirectory("analytics")
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = Self.visitEvents()
        do {
            let data = try GatewayData(directory: directory.path)
            let store = DatabaseEventStore(database: data.database, health: ForwardingHealth(), logger: Logger(label: "test"))
            try store.append(events, analytics: Self.tally(events))
        }
        let reopened = try GatewayData(directory: directory.path)
        let counts = try reopened.database.analyticsCounts(from: 0, to: .infinity)
        #expect(counts == Self.tally(events).asCounts)
        // The events went into the outbox in the same transaction.
        #expect(try reopened.database.lastSequence() == Int64(events.count))
        // Counts only: no text in the analytics table names the shopper.
        let texts = counts.map { "\($0.zone) \($0.metric.rawValue)" }
        #expect(!texts.contains { $0.contains("anon-visitor-1") })
        let summary = AnalyticsSummary(counts: counts, from: Self.midnight, to: Self.midnight + Self.day, bucket: .hour)
        #expect(summary.totals.visitors == 1 && summary.totals.passersBy == 3)
        #expect(abs(summary.totals.captureRate - 0.25) < 1e-9)
        #expect(summary.totals.identified.returning == 1 && summary.totals.identified.weekly == 1)
    }

    @Test func quarterHoursOlderThanAWeekBecomeDaysWithTheSameTotalsAndRetentionDropsTheOldest() throws {
        let directory = Fixtures.temporaryDirectory("analytics")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try GatewayData(directory: directory.path)
        // Retention of 30 days; visits 40, 10 and 0 days back, the last one written last.
        let store = DatabaseEventStore(
            database: data.database, health: ForwardingHealth(), logger: Logger(label: "test"), retentionDays: 30)
        for daysAgo in [40.0, 10, 0] {
            let events = Self.visitEvents(at: Self.midnight - daysAgo * Self.day)
            try store.append(events, analytics: Self.tally(events))
        }
        // Days apart, each batch could be a clock set ahead: the upkeep waits until the day's
        // time has held an hour, as a gateway that runs on shows it.
        let later = Self.visitEvents(at: Self.midnight + 2 * 3600, anonymousID: "anon-visitor-later")
        try store.append(later, analytics: Self.tally(later))
        let counts = try data.database.analyticsCounts(from: 0, to: .infinity)
        // 40 days back is past retention: gone. 10 days back is one day row per metric and zone.
        #expect(counts.allSatisfy { $0.intervalStart >= Self.midnight - 30 * Self.day })
        let tenDaysAgo = counts.filter { $0.intervalStart < Self.midnight - 7 * Self.day }
        #expect(!tenDaysAgo.isEmpty && tenDaysAgo.allSatisfy { $0.intervalSeconds == Self.day && $0.intervalStart == Self.midnight - 10 * Self.day })
        // The compacted day sums to what its quarter hours held.
        let before = AnalyticsSummary(
            counts: Self.tally(Self.visitEvents(at: Self.midnight - 10 * Self.day)).asCounts,
            from: Self.midnight - 10 * Self.day, to: Self.midnight - 9 * Self.day, bucket: .day)
        let after = AnalyticsSummary(counts: counts, from: Self.midnight - 10 * Self.day, to: Self.midnight - 9 * Self.day, bucket: .day)
        #expect(after.totals == before.totals)
        // Today's quarter hours stay as they are.
        #expect(counts.filter { $0.intervalStart >= Self.midnight }.allSatisfy { $0.intervalSeconds == 900 })
    }

    /// The clock set three years ahead for its first minutes (a bad real-time clock until NTP
    /// puts it right): the counts kept are neither pruned nor folded at the wrong time; had the
    /// time held there for an hour, it would be the store's time, and the upkeep runs.
    @Test func aClockSetYearsAheadPrunesNothingUntilItsTimeHasHeldAnHour() throws {
        /// A gateway's data with a visit three days back and one today, retention 30 days.
        func gatewayWithTwoDays() throws -> (directory: URL, data: GatewayData, store: DatabaseEventStore) {
            let directory = Fixtures.temporaryDirectory("analytics")
            let data = try GatewayData(directory: directory.path)
            let store = DatabaseEventStore(database: data.database, health: ForwardingHealth(), logger: Logger(label: "test"), retentionDays: 30)
            for daysAgo in [3.0, 0] {
                let events = Self.visitEvents(at: Self.midnight - daysAgo * Self.day)
                try store.append(events, analytics: Self.tally(events))
            }
            return (directory, data, store)
        }
        let (directory, data, store) = try gatewayWithTwoDays()
        defer { try? FileManager.default.removeItem(at: directory) }
        let kept = try data.database.analyticsCounts(from: 0, to: .infinity)
        let ahead = Self.midnight + 3 * 365 * Self.day
        let wrong = Self.visitEvents(at: ahead, anonymousID: "anon-visitor-2")
        try store.append(wrong, analytics: Self.tally(wrong))
        let afterWrong = try data.database.analyticsCounts(from: 0, to: Self.midnight + Self.day)
        #expect(afterWrong == kept, "three days of quarter hours, as they were")
        // NTP puts the clock right: the store's own days carry on, the counts kept with them.
        let right = Self.visitEvents(at: Self.midnight + Self.day, anonymousID: "anon-visitor-3")
        try store.append(right, analytics: Self.tally(right))
        #expect(try data.database.analyticsCounts(from: 0, to: Self.midnight + Self.day) == kept)
        // Another gateway whose clock stays there: within the hour nothing goes; held there
        // an hour and more, the far time is the store's, and the upkeep runs.
        let (other, second, stays) = try gatewayWithTwoDays()
        defer { try? FileManager.default.removeItem(at: other) }
        // Restarted half-way (the wait is read from the counts, not kept in memory).
        let restarted = DatabaseEventStore(database: second.database, health: ForwardingHealth(), logger: Logger(label: "test"), retentionDays: 30)
        for (minutes, expectKept) in [(0.0, true), (10, true), (20, true), (120, false)] {
            let events = Self.visitEvents(at: ahead + minutes * 60, anonymousID: "anon-visitor-\(Int(minutes))")
            try (minutes < 15 ? stays : restarted).append(events, analytics: Self.tally(events))
            let left = try second.database.analyticsCounts(from: 0, to: Self.midnight + Self.day)
            #expect((left == kept) == expectKept, "\(minutes) min at the far time: \(left.count) of \(kept.count) rows")
        }
    }

    /// A range that begins inside a bucket is widened to whole buckets, and a compacted day
    /// overlapping it is counted: `--from` 06:00 had left out the whole of a compacted day
    /// (its row starts at midnight), and a bucket labelled 10:00 counted only from 10:30.
    @Test func aRangeBegunInsideABucketCountsWholeBucketsAndTheCompactedDayItOverlaps() throws {
        let directory = Fixtures.temporaryDirectory("analytics")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try GatewayData(directory: directory.path)
        let store = DatabaseEventStore(database: data.database, health: ForwardingHealth(), logger: Logger(label: "test"))
        // (A gateway that ran on those days: one off for more than a week waits an hour of
        // its data's time before the upkeep, `aClockSetYearsAhead…`.)
        for daysAgo in [10.0, 3, 0] {
            let events = Self.visitEvents(at: Self.midnight - daysAgo * Self.day)
            try store.append(events, analytics: Self.tally(events))
        }
        func summary(_ from: String, _ to: String, _ bucket: String) throws -> AnalyticsSummary {
            let query = try AnalyticsQuery(from: from, to: to, bucket: bucket, now: Self.midnight + Self.day)
            let counts = try data.database.analyticsCounts(from: query.from, to: query.to)
            return AnalyticsSummary(counts: counts, from: query.from, to: query.to, bucket: query.bucket)
        }
        // Ten days back is one compacted row a metric, starting at midnight; asked from 06:00.
        let compacted = try summary("2026-11-21T06:00:00Z", "2026-11-22", "day")
        #expect(compacted.from == Self.midnight - 10 * Self.day)
        #expect(compacted.totals.visitors == 1 && compacted.totals.passersBy == 3)
        let byHour = try summary("2026-11-21T06:00:00Z", "2026-11-21T12:00:00Z", "hour")
        #expect(byHour.totals.visitors == 1, "the compacted day in the first hour asked for")
        #expect(byHour.buckets.first?.visitors == 1)
        // And marked as holding whole days, its hour not when they came (the page leaves it out
        // of the time of day); an hour of today's quarter hours is not.
        #expect(byHour.buckets.first?.wholeDays == true && byHour.buckets.dropFirst().allSatisfy { !$0.wholeDays })
        #expect(byHour.json().contains(#""whole_days":true"#))
        // Today's visit came in at 09:55: asked from 09:50, the bucket is 09:00–10:00, whole.
        let today = try summary("2026-12-01T09:50:00Z", "2026-12-01T10:20:00Z", "hour")
        #expect(today.from == Self.midnight + 9 * 3600 && today.to == Self.midnight + 11 * 3600)
        #expect(today.buckets.count == 2 && today.buckets[0].visitors == 1)
        #expect(today.totals.passersBy == 3, "the 09:45 quarter hour is in the 09:00 bucket")
        #expect(!today.json().contains("whole_days"))
        // The longest range holds for the range widened to whole days.
        #expect(throws: AnalyticsQuery.Invalid.self) {
            try AnalyticsQuery(from: "2025-01-01T12:00:00Z", to: "2026-02-05T12:00:00Z", bucket: "day", now: Self.midnight)
        }
    }

    /// A range's error names the bound the caller gave (`from` alone was blamed on `to`), and
    /// quotes a long value by its length only.
    @Test func aRangeErrorNamesTheParameterGivenAndQuotesNoLongValue() {
        func invalid(_ from: String?, _ to: String?) -> AnalyticsQuery.Invalid? {
            do {
                _ = try AnalyticsQuery(from: from, to: to, bucket: nil, now: Self.midnight)
                return nil
            } catch { return error as? AnalyticsQuery.Invalid }
        }
        #expect(invalid("2020-01-01", nil)?.parameter == "from")
        #expect(invalid("2020-01-01", nil)?.problem.contains("over 400 days") == true)
        #expect(invalid("2027-01-01", nil)?.description.hasPrefix("from: 2027-01-01T00:00:00.000Z is not before to") == true, "\(String(describing: invalid("2027-01-01", nil)))")
        #expect(invalid("2026-01-02", "2026-01-01")?.parameter == "to")
        let long = invalid(String(repeating: "a", count: 70_000), nil)
        #expect(long?.parameter == "from" && long?.problem.hasPrefix("a value of 70000 characters is not a time") == true, "\(String(describing: long))")
        #expect(invalid("0x10", "0x1000")?.parameter == "to")
    }

    @Test func erasingAShoppersHistoryLeavesTheCountsAsTheyWere() throws {
        let directory = Fixtures.temporaryDirectory("analytics")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try GatewayData(directory: directory.path)
        let store = DatabaseEventStore(database: data.database, health: ForwardingHealth(), logger: Logger(label: "test"))
        try data.database.recordVisit(VisitRecord(id: "visit-erased", identity: "id-erased", start: Self.midnight + 9 * 3600, end: Self.midnight + 9 * 3600 + 1020))
        let events = Self.visitEvents()
        try store.append(events, analytics: Self.tally(events))
        let before = try data.database.analyticsCounts(from: 0, to: .infinity)
        #expect(try data.database.erase(identity: "id-erased").visits == 1)
        #expect(try data.database.analyticsCounts(from: 0, to: .infinity) == before)
    }

    @Test func aDayWithoutTrafficShowsZerosInEveryHourAndEveryZone() throws {
        let database = try GatewayDatabase()
        let events = Self.visitEvents()
        try database.addAnalytics(Self.tally(events))
        // The next day: nothing happened.
        let from = Self.midnight + Self.day
        let counts = try database.analyticsCounts(from: from, to: from + Self.day)
        let summary = AnalyticsSummary(counts: counts, from: from, to: from + Self.day, bucket: .hour, zones: ["fresh", "checkout"])
        #expect(summary.buckets.count == 24)
        #expect(summary.buckets.allSatisfy { $0.visitors == 0 && $0.passersBy == 0 && $0.captureRate == 0 && $0.zones.count == 2 })
        #expect(summary.totals.dwellHistogram == [0, 0, 0, 0, 0, 0])
        let json = try JSONSerialization.jsonObject(with: Data(summary.json().utf8)) as? [String: Any]
        #expect((json?["buckets"] as? [Any])?.count == 24)
    }
}
