import Metrics

/// What a Bluetooth capture source counts, made from the factory passed in (the process-wide
/// one by default) so a test can hand in its own and read the values.
public struct BLECaptureMetrics: Sendable {
    /// Advertising reports turned into observations.
    public let advertisements: Counter
    /// Events that did not decode and were skipped.
    public let undecodableEvents: Counter
    /// Bytes dropped while resynchronising H4 framing after garbage.
    public let resynchronisedBytes: Counter
    /// Controller resets after hardware errors (a serial controller reset in place; an adapter
    /// that went away is opened again by the daemon, counted in `footfall_source_errors_total`).
    public let recoveries: Counter

    public init(source: String, factory: any MetricsFactory = MetricsSystem.factory) {
        let dimensions = [("source", source)]
        advertisements = Counter(label: "footfall_ble_advertisements_total", dimensions: dimensions, factory: factory)
        undecodableEvents = Counter(label: "footfall_ble_undecodable_events_total", dimensions: dimensions, factory: factory)
        resynchronisedBytes = Counter(label: "footfall_ble_resynchronised_bytes_total", dimensions: dimensions, factory: factory)
        recoveries = Counter(label: "footfall_ble_recoveries_total", dimensions: dimensions, factory: factory)
    }

    /// The help text of each metric above, by name, for exporters that print it (swift-metrics
    /// has no place for one); the Prometheus exporter at /metrics uses it.
    public static let help: [String: String] = [
        "footfall_ble_advertisements_total": "Bluetooth advertising reports turned into observations, per source.",
        "footfall_ble_undecodable_events_total": "HCI events from the controller that did not decode and were skipped, per source.",
        "footfall_ble_resynchronised_bytes_total": "Bytes dropped while finding the H4 framing again after garbage, per source.",
        "footfall_ble_recoveries_total": "Controller resets after hardware errors, per source.",
    ]
}
