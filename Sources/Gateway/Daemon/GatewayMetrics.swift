import Capture
import CoreMetrics
import FootfallCore
import Forwarding
import Foundation
import Prometheus

/// The daemon's metrics, exposed at /metrics in the Prometheus text format. One registry per
/// daemon, passed in, so tests can read it.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let devicesTracked: Prometheus.Gauge
    private let visitorsPresent: Prometheus.Gauge
    private let storeFailures: Prometheus.Counter
    private let droppedInputs: Prometheus.Gauge
    private let lateObservations: Prometheus.Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        devicesTracked = registry.makeGauge(descriptor: Self.name("devices", "tracked", "Devices the pipeline is tracking now."))
        visitorsPresent = registry.makeGauge(descriptor: Self.name("visitors", "present", "Devices on a visit now."))
        storeFailures = registry.makeCounter(descriptor: Self.name("event_store_failures", "total", "Times events could not be stored (disk full, read-only database)."))
        droppedInputs = registry.makeGauge(descriptor: Self.name("pipeline_dropped", "inputs", "Inputs dropped because the pipeline fell behind."))
        lateObservations = registry.makeGauge(descriptor: Self.name(
            "pipeline_late", "observations", "Observations left since the start because they came later than presence.exit_after (at most 300 s) after they were heard, or were stamped more than a week ahead (a sensor gateway catching up after an outage, a clock off)."))
        let buildInfo: Prometheus.Gauge = registry.makeGauge(
            descriptor: Self.name("build", "info", "Always 1: the footfall version and the Swift compiler that built it, as labels."),
            labels: [("version", BuildInfo.version), ("swift", BuildInfo.swift)])
        buildInfo.set(1.0)
        // Every type's count from the start, at 0: a rate over a series that appears only at its
        // first event is empty until then, and an alert on it never fires.
        for type in PresenceEvent.Kind.allCases { _ = eventsCounter(type) }
    }

    func observations(sensor: SensorID, count: Int = 1) {
        registry.makeCounter(descriptor: Self.name("observations", "total", "Observations received, per sensor."), labels: [("sensor", sensor.rawValue)]).increment(by: Int64(count))
    }

    func event(_ type: PresenceEvent.Kind) {
        eventsCounter(type).increment()
    }

    private func eventsCounter(_ type: PresenceEvent.Kind) -> Prometheus.Counter {
        registry.makeCounter(descriptor: Self.name("events", "total", "Events decided, per type."), labels: [("type", type.rawValue)])
    }

    /// Shows a source's error count, at 0 until it fails.
    func sourceStarted(_ source: String) {
        _ = sourceErrors(source)
    }

    func sourceError(_ source: String) {
        sourceErrors(source).increment()
    }

    private func sourceErrors(_ source: String) -> Prometheus.Counter {
        registry.makeCounter(descriptor: Self.name("source_errors", "total", "Errors reported by sources."), labels: [("source", source)])
    }

    func devices(tracked: Int, visitors: Int) {
        devicesTracked.set(Double(tracked))
        visitorsPresent.set(Double(visitors))
    }

    func storeFailure() { storeFailures.increment() }

    /// Why a Meraki reading was left out.
    enum MerakiLeftOut: String {
        /// From an access point that is no sensor of the store (`api.meraki.access_points`).
        case unknownAccessPoint = "unknown_access_point"
        /// A client whose part of the report did not decode (its whole entry).
        case brokenClient = "broken_client"
    }

    func merakiReadingsLeftOut(_ reason: MerakiLeftOut, count: Int) {
        registry.makeCounter(
            descriptor: Self.name("meraki_left_out", "total", "Meraki readings (or, for broken_client, clients) left out of the reports, per reason."),
            labels: [("reason", reason.rawValue)]
        ).increment(by: Int64(count))
    }

    func dropped(_ count: Int) { droppedInputs.set(Double(count)) }
    func late(_ count: Int) { lateObservations.set(Double(count)) }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "footfall", metricName: metric, unitName: unit, helpText: help)
    }

    /// A swift-metrics factory writing into this registry: the forwarder's and the capture
    /// sources' metrics appear at /metrics beside the daemon's own, with the help text their
    /// modules give them.
    public var factory: any CoreMetrics.MetricsFactory {
        DescribedMetricsFactory(
            registry: registry, help: ForwardingMetricHelp.texts.merging(BLECaptureMetrics.help) { first, _ in first }.merging(MQTTSourceMetrics.help) { first, _ in first }
                .merging(SensorBatchSequence.help) { first, _ in first },
            durationBuckets: ["footfall_outbox_delivery_latency_seconds": Self.deliveryLatencyBuckets])
    }

    /// From a millisecond on loopback to the hour a receiver may be down for.
    static let deliveryLatencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500),
        .seconds(1), .seconds(5), .seconds(10), .seconds(60), .seconds(300), .seconds(3600),
    ]

    /// The Prometheus text of /metrics: the registry, then the process's own metrics.
    public func text() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self) + ProcessMetrics.text()
    }
}
