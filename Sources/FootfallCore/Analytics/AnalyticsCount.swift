/// A stored count as the summary reads it: an interval of any length (a quarter hour, or a
/// day compacted from them), a zone ("" for the whole store), a metric and its value.
public struct AnalyticsCount: Hashable, Sendable {
    public var intervalStart: Double
    public var intervalSeconds: Double
    public var zone: String
    public var metric: AnalyticsMetric
    public var value: Int

    public init(intervalStart: Double, intervalSeconds: Double, zone: String, metric: AnalyticsMetric, value: Int) {
        self.intervalStart = intervalStart
        self.intervalSeconds = intervalSeconds
        self.zone = zone
        self.metric = metric
        self.value = value
    }
}

extension AnalyticsTally {
    /// The tally's counts as quarter-hour counts, oldest first.
    public var asCounts: [AnalyticsCount] {
        counts.sorted { $0.key < $1.key }.map {
            AnalyticsCount(intervalStart: $0.key.intervalStart, intervalSeconds: Self.interval, zone: $0.key.zone, metric: $0.key.metric, value: $0.value)
        }
    }
}
