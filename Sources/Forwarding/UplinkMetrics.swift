import CoreMetrics
import Metrics

/// The uplink's counters and its buffer gauge (`footfall_uplink_*`).
struct UplinkMetrics: Sendable {
    let sent: Counter
    let dropped: Counter
    let failures: Counter
    let buffered: Gauge
    /// 1 while the latest attempt went through (or none failed yet), 0 while it failed.
    let healthy: Gauge

    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        sent = Counter(label: "footfall_uplink_sent_total", dimensions: [], factory: factory)
        dropped = Counter(label: "footfall_uplink_dropped_total", dimensions: [], factory: factory)
        failures = Counter(label: "footfall_uplink_failures_total", dimensions: [], factory: factory)
        buffered = Gauge(label: "footfall_uplink_buffered", dimensions: [], factory: factory)
        healthy = Gauge(label: "footfall_uplink_healthy", dimensions: [], factory: factory)
        healthy.record(1)
    }
}
