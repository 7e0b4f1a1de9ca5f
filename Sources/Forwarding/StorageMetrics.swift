import CoreMetrics
import Metrics

/// Failures of the outbox's database, whoever hit them.
struct StorageMetrics: Sendable {
    let errors: Counter
    let healthy: Gauge

    /// The gauge starts at what `health` says of the outbox now (ok unless a write failed): a
    /// gauge never set reads 0, which docs/delivery.md defines as failing storage.
    init(operation: String, factory: (any MetricsFactory)?, health: ForwardingHealth) {
        let factory = factory ?? MetricsSystem.factory
        errors = Counter(label: "footfall_outbox_storage_errors_total", dimensions: [("operation", operation)], factory: factory)
        healthy = Gauge(label: "footfall_outbox_healthy", dimensions: [("component", "outbox")], factory: factory)
        if case .failing = health.status(of: "outbox") { healthy.record(0) } else { healthy.record(1) }
    }
}
