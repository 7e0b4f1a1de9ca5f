import Foundation

/// The store analytics over a range, in hour or day buckets: what `GET /api/analytics`,
/// `footfall report`, `footfall replay --analytics` and the analytics page show
/// (docs/analytics.md). Every bucket of the range is present, zeros where nothing happened.
public struct AnalyticsSummary: Hashable, Sendable, Encodable {
    public enum Bucket: String, Hashable, Sendable, CaseIterable, Encodable {
        case hour, day
        public var seconds: Double { self == .hour ? 3600 : 86_400 }
    }

    /// Per-zone figures of a bucket.
    public struct ZoneFigures: Hashable, Sendable, Encodable {
        public var entries = 0
        public var dwells = 0
        public var seconds = 0
        public init() {}
        enum CodingKeys: String, CodingKey { case entries, dwells, seconds }
    }

    /// Identified visitors (consented identities) by loyalty class at entry.
    public struct Identified: Hashable, Sendable, Encodable {
        public var firstTime = 0
        public var daily = 0
        public var weekly = 0
        public var monthly = 0
        public var occasional = 0
        public var returning: Int { daily + weekly + monthly + occasional }
        public init() {}
        enum CodingKeys: String, CodingKey {
            case firstTime = "first_time", daily, weekly, monthly, occasional, returning
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(firstTime, forKey: .firstTime)
            try c.encode(daily, forKey: .daily)
            try c.encode(weekly, forKey: .weekly)
            try c.encode(monthly, forKey: .monthly)
            try c.encode(occasional, forKey: .occasional)
            try c.encode(returning, forKey: .returning)
        }
    }

    /// The figures of one bucket, or of the whole range.
    public struct Figures: Hashable, Sendable, Encodable {
        public var start: Double
        public var visitors = 0
        public var passersBy = 0
        public var engagedVisitors = 0
        /// Visits by duration, `DwellBuckets` order, by the bucket they began in.
        public var dwellHistogram = Array(repeating: 0, count: AnalyticsMetric.dwellBuckets.count)
        public var visitSeconds = 0
        public var identified = Identified()
        public var zones: [String: ZoneFigures] = [:]
        /// Whether the bucket holds counts of a longer interval than itself: a whole day kept
        /// without its time of day (compacted, docs/analytics.md) in an hour bucket.
        public var wholeDays = false

        public init(start: Double) { self.start = start }

        /// Visitors over visitors plus passers-by; 0 when neither came.
        public var captureRate: Double {
            visitors + passersBy == 0 ? 0 : Double(visitors) / Double(visitors + passersBy)
        }

        /// Visitors that no consented identity names.
        public var unidentifiedVisitors: Int {
            max(0, visitors - identified.firstTime - identified.returning)
        }

        mutating func add(_ count: AnalyticsCount) {
            let v = count.value
            switch count.metric {
            case .passersBy: passersBy += v
            case .visitors: visitors += v
            case .engagedVisitors: engagedVisitors += v
            case .dwellUnder2Min, .dwell2To5Min, .dwell5To15Min, .dwell15To30Min, .dwell30To60Min, .dwellOver60Min:
                dwellHistogram[AnalyticsMetric.dwellBuckets.firstIndex(of: count.metric)!] += v
            case .visitSeconds: visitSeconds += v
            case .identifiedFirstTime: identified.firstTime += v
            case .identifiedDaily: identified.daily += v
            case .identifiedWeekly: identified.weekly += v
            case .identifiedMonthly: identified.monthly += v
            case .identifiedOccasional: identified.occasional += v
            case .zoneEntries: zones[count.zone, default: ZoneFigures()].entries += v
            case .zoneDwells: zones[count.zone, default: ZoneFigures()].dwells += v
            case .zoneSeconds: zones[count.zone, default: ZoneFigures()].seconds += v
            }
        }

        enum CodingKeys: String, CodingKey {
            case start, visitors
            case passersBy = "passers_by"
            case captureRate = "capture_rate"
            case engagedVisitors = "engaged_visitors"
            case dwellHistogram = "dwell_histogram"
            case visitSeconds = "visit_seconds"
            case identified
            case unidentifiedVisitors = "unidentified_visitors"
            case zones
            case wholeDays = "whole_days"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(RFC3339.string(start), forKey: .start)
            try c.encode(visitors, forKey: .visitors)
            try c.encode(passersBy, forKey: .passersBy)
            try c.encode((captureRate * 10_000).rounded() / 10_000, forKey: .captureRate)
            try c.encode(engagedVisitors, forKey: .engagedVisitors)
            try c.encode(dwellHistogram, forKey: .dwellHistogram)
            try c.encode(visitSeconds, forKey: .visitSeconds)
            try c.encode(identified, forKey: .identified)
            try c.encode(unidentifiedVisitors, forKey: .unidentifiedVisitors)
            try c.encode(zones, forKey: .zones)
            if wholeDays { try c.encode(true, forKey: .wholeDays) }
        }
    }

    public var from: Double
    public var to: Double
    public var bucket: Bucket
    /// Every zone that has counts in the range or that the caller named (the store's zones).
    public var zones: [String]
    public var totals: Figures
    public var buckets: [Figures]

    /// The largest range one summary covers (a bucket of each hour for 92 days is ~2200).
    public static let longestRange = 400 * 86_400.0

    /// Sums `counts` into the buckets of [from, to). A count of a longer interval than the bucket
    /// (a compacted day asked for by hour) is placed in the bucket its interval starts in, or the
    /// first bucket when it began before the range, and that bucket marked `wholeDays`: its hour
    /// is not the time of day its counts happened at.
    public init(counts: [AnalyticsCount], from: Double, to: Double, bucket: Bucket, zones knownZones: [String] = []) {
        let first = (from / bucket.seconds).rounded(.down) * bucket.seconds
        self.from = from
        self.to = to
        self.bucket = bucket
        var buckets: [Figures] = []
        var start = first
        while start < to, Double(buckets.count) * bucket.seconds < Self.longestRange {
            buckets.append(Figures(start: start))
            start += bucket.seconds
        }
        var totals = Figures(start: from)
        var zones = Set(knownZones)
        for count in counts where count.intervalStart + count.intervalSeconds > first && count.intervalStart < to {
            // In the totals even past the last bucket a range longer than `longestRange` has.
            totals.add(count)
            if !count.zone.isEmpty { zones.insert(count.zone) }
            let index = max(0, Int(((count.intervalStart - first) / bucket.seconds).rounded(.down)))
            guard buckets.indices.contains(index) else { continue }
            buckets[index].add(count)
            if count.intervalSeconds > bucket.seconds { buckets[index].wholeDays = true }
        }
        let allZones = zones.sorted()
        // Every zone in every bucket, so a quiet zone reads 0 rather than missing.
        for i in buckets.indices {
            for zone in allZones where buckets[i].zones[zone] == nil { buckets[i].zones[zone] = ZoneFigures() }
        }
        for zone in allZones where totals.zones[zone] == nil { totals.zones[zone] = ZoneFigures() }
        self.zones = allZones
        self.totals = totals
        self.buckets = buckets
    }

    enum CodingKeys: String, CodingKey {
        case from, to, bucket, zones, totals, buckets
        case bucketSeconds = "bucket_seconds"
        case dwellBuckets = "dwell_buckets"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RFC3339.string(from), forKey: .from)
        try c.encode(RFC3339.string(to), forKey: .to)
        try c.encode(bucket, forKey: .bucket)
        try c.encode(Int(bucket.seconds), forKey: .bucketSeconds)
        try c.encode(DwellBuckets.labels, forKey: .dwellBuckets)
        try c.encode(zones, forKey: .zones)
        try c.encode(totals, forKey: .totals)
        try c.encode(buckets, forKey: .buckets)
    }

    /// The summary as JSON, keys sorted.
    public func json(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
