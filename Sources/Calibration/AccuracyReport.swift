import FootfallCore
import Foundation

/// How well a replay matched the ground truth; printed by `footfall replay --truth`.
public struct AccuracyReport: Hashable, Sendable, Codable {
    public struct Distribution: Hashable, Sendable, Codable {
        public var median: Double?
        public var p90: Double?
        public var p95: Double?
        public var count: Int

        public init(_ values: [Double]) {
            let sorted = values.sorted()
            count = sorted.count
            median = Distribution.percentile(sorted, 0.5)
            p90 = Distribution.percentile(sorted, 0.9)
            p95 = Distribution.percentile(sorted, 0.95)
        }

        enum CodingKeys: String, CodingKey { case median, p90, p95, count }

        /// Every key written, `null` where there is no value (an empty distribution): `--json`
        /// keys that come and go with the data are no schema to read.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(median, forKey: .median)
            try container.encode(p90, forKey: .p90)
            try container.encode(p95, forKey: .p95)
            try container.encode(count, forKey: .count)
        }

        /// Linear interpolation between closest ranks.
        static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = q * Double(sorted.count - 1)
            let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
            let value = sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
            return (value * 1000).rounded() / 1000
        }
    }

    public struct Visits: Hashable, Sendable, Codable {
        /// True visits: a device inside the outline for at least `enter_after`.
        public var `true`: Int
        public var detected: Int
        /// True visits with no detected visit of the same device overlapping them.
        public var missed: Int
        /// Missed visits that lasted two minutes or more.
        public var missedLong: Int
        /// Detected visits that overlap no true visit.
        public var `false`: Int
        /// Detected visits that overlap a true visit another detected visit of the same person
        /// was matched to: a person counted twice (a phone whose address changed mid-visit).
        public var twice: Int
        /// Share of devices never inside (passers-by) that were counted as visitors.
        public var passersByAsVisitors: Double?

        enum CodingKeys: String, CodingKey {
            case `true`, detected, missed, `false`, twice
            case missedLong = "missed_long"
            case passersByAsVisitors = "passers_by_as_visitors"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(`true`, forKey: .true)
            try container.encode(detected, forKey: .detected)
            try container.encode(missed, forKey: .missed)
            try container.encode(`false`, forKey: .false)
            try container.encode(twice, forKey: .twice)
            try container.encode(missedLong, forKey: .missedLong)
            try container.encode(passersByAsVisitors, forKey: .passersByAsVisitors)
        }
    }

    public struct Dwell: Hashable, Sendable, Codable {
        /// True zone stays at least the zone's dwell threshold long.
        public var longStays: Int
        public var firedForLongStays: Int
        /// `zone.dwell` events for stays shorter than half the threshold.
        public var firedForShortStays: Int
        /// Every `zone.dwell` event.
        public var fired: Int
        /// `zone.dwell` events whose device was not in their zone at the moment the pipeline
        /// fired them (the activation moment): an offer for a sector the shopper is not in.
        public var firedOutsideZone: Int

        public init(longStays: Int, firedForLongStays: Int, firedForShortStays: Int, fired: Int, firedOutsideZone: Int) {
            self.longStays = longStays
            self.firedForLongStays = firedForLongStays
            self.firedForShortStays = firedForShortStays
            self.fired = fired
            self.firedOutsideZone = firedOutsideZone
        }

        /// Share of the long stays that got their `zone.dwell`.
        public var longStaysFired: Double? { longStays > 0 ? Double(firedForLongStays) / Double(longStays) : nil }
        /// Share of `zone.dwell` events fired outside their zone.
        public var outsideZoneShare: Double? { fired > 0 ? Double(firedOutsideZone) / Double(fired) : nil }

        enum CodingKeys: String, CodingKey {
            case longStays = "long_stays"
            case firedForLongStays = "fired_for_long_stays"
            case firedForShortStays = "fired_for_short_stays"
            case fired
            case firedOutsideZone = "fired_outside_zone"
        }
    }

    public var positionError: Distribution
    /// Share of inside-store time (truth sampled) when the estimated zone was the true zone.
    public var zoneAccuracy: Double?
    /// Estimated zone changes beyond the true ones, per hour of shopper presence.
    public var spuriousZoneChangesPerHour: Double?
    public var visits: Visits
    /// Seconds from the true entry to the moment `store.entered` was decided.
    public var entryDelay: Distribution
    /// Seconds from the true exit to the moment `store.exited` was decided.
    public var exitDelay: Distribution
    public var dwell: Dwell

    enum CodingKeys: String, CodingKey {
        case positionError = "position_error_m"
        case zoneAccuracy = "zone_accuracy"
        case spuriousZoneChangesPerHour = "spurious_zone_changes_per_hour"
        case visits
        case entryDelay = "entry_delay_s"
        case exitDelay = "exit_delay_s"
        case dwell
    }

    /// Every key written, `null` where there is no value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(positionError, forKey: .positionError)
        try container.encode(zoneAccuracy, forKey: .zoneAccuracy)
        try container.encode(spuriousZoneChangesPerHour, forKey: .spuriousZoneChangesPerHour)
        try container.encode(visits, forKey: .visits)
        try container.encode(entryDelay, forKey: .entryDelay)
        try container.encode(exitDelay, forKey: .exitDelay)
        try container.encode(dwell, forKey: .dwell)
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// A few lines for a person.
    public func text() -> String {
        func m(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "–" }
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var lines: [String] = []
        lines.append("position error  median \(m(positionError.median)) m, p90 \(m(positionError.p90)) m, p95 \(m(positionError.p95)) m over \(positionError.count) estimates")
        lines.append("zones           \(pct(zoneAccuracy)) of inside time in the right zone; \(m(spuriousZoneChangesPerHour)) spurious zone changes per shopper-hour")
        lines.append("visits          \(visits.true) true, \(visits.detected) detected, \(visits.missed) missed (\(visits.missedLong) of 2 min or more), \(visits.false) false, \(visits.twice) counted twice; passers-by counted as visitors \(pct(visits.passersByAsVisitors))")
        lines.append("entry delay     median \(m(entryDelay.median)) s, p95 \(m(entryDelay.p95)) s over \(entryDelay.count) visits")
        lines.append("exit delay      median \(m(exitDelay.median)) s, p95 \(m(exitDelay.p95)) s over \(exitDelay.count) visits")
        lines.append("dwell           fired for \(dwell.firedForLongStays) of \(dwell.longStays) stays past the threshold; \(dwell.firedForShortStays) for stays under half of it; \(dwell.firedOutsideZone) of \(dwell.fired) fired where the shopper was not in the zone")
        return lines.joined(separator: "\n")
    }
}
