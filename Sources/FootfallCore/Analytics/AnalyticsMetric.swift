/// What the store analytics count, per interval and zone (docs/analytics.md). Counts only:
/// no device, pseudonym or address is ever part of an aggregate.
public enum AnalyticsMetric: String, Hashable, Sendable, CaseIterable, Codable {
    // The whole store (zone "").
    /// Devices heard that never came in (`store.traffic`), by the interval they were last heard.
    case passersBy = "passers_by"
    /// Visits begun (`store.entered`), by the interval they began.
    case visitors
    /// Visits that lasted at least `presence.engaged_after`, by the interval they began.
    case engagedVisitors = "engaged_visitors"
    /// Completed visits by duration (`DwellBuckets`), by the interval they began.
    case dwellUnder2Min = "dwell_under_2_min"
    case dwell2To5Min = "dwell_2_to_5_min"
    case dwell5To15Min = "dwell_5_to_15_min"
    case dwell15To30Min = "dwell_15_to_30_min"
    case dwell30To60Min = "dwell_30_to_60_min"
    case dwellOver60Min = "dwell_over_60_min"
    /// Seconds spent in the store by all visitors within the interval (mean occupancy × interval).
    case visitSeconds = "visit_seconds"
    /// Identified visitors (consented identities) by loyalty class at entry: `identified_first_time`
    /// is a new identified shopper, the others are returning ones.
    case identifiedFirstTime = "identified_first_time"
    case identifiedDaily = "identified_daily"
    case identifiedWeekly = "identified_weekly"
    case identifiedMonthly = "identified_monthly"
    case identifiedOccasional = "identified_occasional"
    // Per zone.
    /// Zone stays begun (`zone.entered`).
    case zoneEntries = "zone_entries"
    /// Zone stays that passed the zone's dwell threshold (`zone.dwell`).
    case zoneDwells = "zone_dwells"
    /// Seconds spent in the zone by all visitors within the interval.
    case zoneSeconds = "zone_seconds"

    /// The dwell-distribution metrics, shortest first (one per `DwellBuckets` bucket).
    public static let dwellBuckets: [AnalyticsMetric] = [
        .dwellUnder2Min, .dwell2To5Min, .dwell5To15Min, .dwell15To30Min, .dwell30To60Min, .dwellOver60Min,
    ]

    /// Loyalty classes of identified visitors, the first-time class first.
    public static let loyalty: [AnalyticsMetric] = [
        .identifiedFirstTime, .identifiedDaily, .identifiedWeekly, .identifiedMonthly, .identifiedOccasional,
    ]

    public var isPerZone: Bool { self == .zoneEntries || self == .zoneDwells || self == .zoneSeconds }
}
