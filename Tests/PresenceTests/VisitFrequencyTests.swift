import FootfallCore
import Presence
import Testing

@Suite struct VisitFrequencyTests {
    let day = 86_400.0

    func visits(daysAgo: [Double], at now: Double) -> [VisitRecord] {
        daysAgo.map { VisitRecord(identity: "id", start: now - $0 * day, end: now - $0 * day + 600) }
    }

    @Test func aFirstVisitIsFirstTime() {
        let f = VisitFrequency.compute(previous: [], at: 1_000_000)
        #expect(f.visitNumber == 1)
        #expect(f.loyaltyClass == .firstTime)
        #expect(f.daysSinceLastVisit == nil)
        #expect(f.visitsLast7Days == 1 && f.visitsLast30Days == 1)
        #expect(f.averageVisitDuration == nil)
    }

    @Test func fiveVisitsInAWeekIsDaily() {
        let now = 100 * day
        let f = VisitFrequency.compute(previous: visits(daysAgo: [1, 2, 3, 4], at: now), at: now)
        #expect(f.visitNumber == 5)
        #expect(f.visitsLast7Days == 5)
        #expect(f.loyaltyClass == .daily)
        #expect(abs(f.daysSinceLastVisit! - (1 - 600 / day)) < 1e-9)
        #expect(f.averageVisitDuration == 600)
    }

    @Test func fourVisitsInAMonthIsWeekly() {
        let now = 100 * day
        let f = VisitFrequency.compute(previous: visits(daysAgo: [6, 13, 20], at: now), at: now)
        #expect(f.loyaltyClass == .weekly)
        #expect(f.visitsLast30Days == 4)
        #expect(f.visitsLast7Days == 2)
    }

    @Test func aVisitWithinFortyFiveDaysIsMonthlyAndOlderIsOccasional() {
        let now = 200 * day
        #expect(VisitFrequency.compute(previous: visits(daysAgo: [40], at: now), at: now).loyaltyClass == .monthly)
        #expect(VisitFrequency.compute(previous: visits(daysAgo: [90, 120], at: now), at: now).loyaltyClass == .occasional)
    }

    @Test func laterVisitsInTheHistoryDoNotCount() {
        let now = 100 * day
        let f = VisitFrequency.compute(previous: visits(daysAgo: [-1, 2], at: now), at: now)
        #expect(f.visitNumber == 2)
    }
}
