import FootfallCore
import Forwarding
import Logging
import Metrics
import ServiceLifecycle
import Storage

/// The event store and the delivery services of a configuration.
enum EventStoreFactory {
    struct Made {
        var store: DatabaseEventStore
        var services: [any Service]
        var status: @Sendable () async -> [String: String]
    }

    static func make(
        configuration: StoreConfiguration, data: GatewayData, timing: Timing, logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) throws -> Made {
        let health = ForwardingHealth()
        let store = DatabaseEventStore(
            database: data.database, health: health, logger: logger, retentionDays: configuration.identity.retentionDays,
            timing: timing)
        var services: [any Service] = []
        var configured: Set<String> = []
        if !configuration.sinks.isEmpty {
            let forwarder = try Forwarder(
                configuration: configuration, database: data.database, timing: timing, health: health, logger: logger,
                metricsFactory: metricsFactory)
            configured = Set(forwarder.sinks.map(\.name))
            services.append(ForwarderService(forwarder: forwarder))
        }
        // A sink taken out of the store file still holds its cursor: every event after it is
        // kept until the sink is removed from the outbox.
        let forgotten = ((try? data.database.sinks()) ?? []).filter { !configured.contains($0) }
        for name in forgotten {
            logger.warning(
                "sink '\(name)' is in the outbox but not in the store file: the events not yet sent to it are kept for it; `footfall outbox remove-sink \(name)` lets them go")
        }
        let status: @Sendable () async -> [String: String] = { [configured] in
            var components: [String: String] = [:]
            for (name, value) in health.all { components[name] = "\(value)" }
            if let sinks = try? await data.database.outboxStatus() {
                for sink in sinks {
                    var text = "\(sink.pending) pending, \(sink.dead) dead"
                    if !configured.contains(sink.sink) { text += "; not in the store file (footfall outbox remove-sink \(sink.sink))" }
                    components["sink \(sink.sink)"] = text
                }
            }
            return components
        }
        return Made(store: store, services: services, status: status)
    }
}
