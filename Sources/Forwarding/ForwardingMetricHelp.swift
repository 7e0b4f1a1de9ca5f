/// The help text of every metric this module makes, by name, for exporters that print it
/// (swift-metrics has no place for one); the Prometheus exporter at /metrics uses it.
public enum ForwardingMetricHelp {
    public static let texts: [String: String] = [
        "footfall_outbox_pending": "Events waiting to be delivered to the sink.",
        "footfall_outbox_oldest_pending_seconds": "Age of the oldest event waiting for the sink, in seconds.",
        "footfall_outbox_delivered_total": "Events the sink's receiver acknowledged.",
        "footfall_outbox_retried_total": "Events in delivery attempts that failed and will be retried.",
        "footfall_outbox_dead_total": "Events the sink's receiver rejected for good (dead letters).",
        "footfall_outbox_delivery_latency_seconds": "Seconds from an event's append to the outbox to the receiver's acknowledgment.",
        "footfall_outbox_storage_errors_total": "Failed writes to the outbox's database, by operation.",
        "footfall_outbox_healthy": "1 while the component (outbox storage or a sink) works, 0 while it is failing.",
        "footfall_uplink_sent_total": "Observations a sensor gateway sent to its locating gateway.",
        "footfall_uplink_dropped_total": "Observations a sensor gateway dropped because its buffer was full.",
        "footfall_uplink_failures_total": "Failed attempts to send observations to the locating gateway.",
        "footfall_uplink_buffered": "Observations a sensor gateway holds, waiting to be sent.",
        "footfall_uplink_healthy": "1 while the sensor gateway's last attempt to send upstream went through, 0 while it fails.",
    ]
}
