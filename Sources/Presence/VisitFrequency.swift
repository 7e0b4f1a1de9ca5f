import FootfallCore

/// How often a shopper comes: carried by `store.entered` (docs/events.md defines each field).
public struct VisitFrequency: Hashable, Sendable {
    /// Loyalty classes, decided on the visit being started and the history before it:
    /// - `first_time`: no earlier visit on record;
    /// - `daily`: at least 5 visits (this one included) in the last 7 days;
    /// - `weekly`: otherwise at least 4 visits in the last 30 days;
    /// - `monthly`: otherwise an earlier visit in the last 45 days;
    /// - `occasional`: earlier visits, none in the last 45 days.
    public enum LoyaltyClass: String, Hashable, Sendable {
        case firstTime = "first_time", daily, weekly, monthly, occasional
    }

    public var visitNumber: Int
    public var daysSinceLastVisit: Double?
    /// Visits that started in the 7 days up to this one, this one included.
    public var visitsLast7Days: Int
    public var visitsLast30Days: Int
    /// Mean duration of the earlier visits, seconds.
    public var averageVisitDuration: Double?
    public var loyaltyClass: LoyaltyClass

    /// The frequency of a visit starting at `start`, from the identity's earlier visits (any order).
    public static func compute(previous: [VisitRecord], at start: Double) -> VisitFrequency {
        let earlier = previous.filter { $0.start < start }.sorted { $0.start < $1.start }
        let day = 86_400.0
        let last7 = earlier.filter { start - $0.start <= 7 * day }.count + 1
        let last30 = earlier.filter { start - $0.start <= 30 * day }.count + 1
        let lastEnd = earlier.map(\.end).max()
        let loyalty: LoyaltyClass
        if earlier.isEmpty {
            loyalty = .firstTime
        } else if last7 >= 5 {
            loyalty = .daily
        } else if last30 >= 4 {
            loyalty = .weekly
        } else if let lastEnd, start - lastEnd <= 45 * day {
            loyalty = .monthly
        } else {
            loyalty = .occasional
        }
        return VisitFrequency(
            visitNumber: earlier.count + 1,
            daysSinceLastVisit: lastEnd.map { max(0, start - $0) / day },
            visitsLast7Days: last7, visitsLast30Days: last30,
            averageVisitDuration: earlier.isEmpty ? nil : earlier.map(\.duration).reduce(0, +) / Double(earlier.count),
            loyaltyClass: loyalty)
    }

    /// Copies the fields into a `store.entered` event.
    public func apply(to event: inout PresenceEvent) {
        event.visitNumber = visitNumber
        event.daysSinceLastVisit = daysSinceLastVisit.map { ($0 * 1000).rounded() / 1000 }
        event.visitsLast7Days = visitsLast7Days
        event.visitsLast30Days = visitsLast30Days
        event.averageVisitDurationSeconds = averageVisitDuration.map(RFC3339.milliseconds)
        event.loyaltyClass = loyaltyClass.rawValue
    }
}
