import FootfallCore
import GRDB

/// A row of `analytics_count`: one metric's count in one interval and zone. No device,
/// pseudonym or address: counts only.
struct AnalyticsCountRecord: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "analytics_count"

    var intervalStart: Double
    /// 900 for a quarter hour, 86400 for a day compacted from them.
    var intervalSeconds: Double
    /// "" for the whole store.
    var zone: String
    /// An `AnalyticsMetric`'s raw value; a newer version may have written one this one does
    /// not know.
    var metric: String
    var value: Int

    enum CodingKeys: String, CodingKey {
        case zone, metric, value
        case intervalStart = "interval_start"
        case intervalSeconds = "interval_seconds"
    }

    init(_ count: AnalyticsCount) {
        intervalStart = count.intervalStart
        intervalSeconds = count.intervalSeconds
        zone = count.zone
        metric = count.metric.rawValue
        value = count.value
    }

    /// The count as the summary reads it; nil for a metric this version does not know.
    var count: AnalyticsCount? {
        AnalyticsMetric(rawValue: metric).map {
            AnalyticsCount(intervalStart: intervalStart, intervalSeconds: intervalSeconds, zone: zone, metric: $0, value: value)
        }
    }
}
