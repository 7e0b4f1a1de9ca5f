/// One count of the store analytics: an interval (its start, Unix seconds), a zone ("" for the
/// whole store) and a metric.
public struct AnalyticsKey: Hashable, Sendable, Comparable {
    public var intervalStart: Double
    public var zone: String
    public var metric: AnalyticsMetric

    public init(intervalStart: Double, zone: String, metric: AnalyticsMetric) {
        self.intervalStart = intervalStart
        self.zone = zone
        self.metric = metric
    }

    public static func < (a: AnalyticsKey, b: AnalyticsKey) -> Bool {
        (a.intervalStart, a.zone, a.metric.rawValue) < (b.intervalStart, b.zone, b.metric.rawValue)
    }
}
