import CoreMetrics
import Metrics

/// The delivery metrics of one sink (docs/delivery.md). Made from an injected factory, or the
/// global one when none is given.
struct SinkMetrics: Sendable {
    let pending: Gauge
    let oldestPendingSeconds: Gauge
    let delivered: Counter
    let retried: Counter
    let dead: Counter
    /// From append to the receiver's acknowledgment.
    let latency: Timer
    let healthy: Gauge

    init(sink: String, factory: (any MetricsFactory)?) {
        let dimensions = [("sink", sink)]
        let factory = factory ?? MetricsSystem.factory
        pending = Gauge(label: "footfall_outbox_pending", dimensions: dimensions, factory: factory)
        oldestPendingSeconds = Gauge(label: "footfall_outbox_oldest_pending_seconds", dimensions: dimensions, factory: factory)
        delivered = Counter(label: "footfall_outbox_delivered_total", dimensions: dimensions, factory: factory)
        retried = Counter(label: "footfall_outbox_retried_total", dimensions: dimensions, factory: factory)
        dead = Counter(label: "footfall_outbox_dead_total", dimensions: dimensions, factory: factory)
        latency = Timer(label: "footfall_outbox_delivery_latency_seconds", dimensions: dimensions, factory: factory)
        healthy = Gauge(label: "footfall_outbox_healthy", dimensions: [("component", "sink:\(sink)")], factory: factory)
    }
}
