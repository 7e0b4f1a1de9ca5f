import FootfallCore
import Logging
import Metrics
import Storage

/// Appends events to the outbox and makes a failure loud: a thrown `OutboxError` with a
/// one-line message, an error in the log, a metric and the `outbox` health component. The visit
/// work that appends inside its own transaction (`GatewayDatabase.transaction`) hands any
/// error to `failed(_:operation:)` on the way out.
public struct OutboxWriter: Sendable {
    public let database: GatewayDatabase
    public let health: ForwardingHealth
    let logger: Logger
    let metrics: StorageMetrics

    public init(database: GatewayDatabase, health: ForwardingHealth, logger: Logger, metricsFactory: (any MetricsFactory)? = nil) {
        self.database = database
        self.health = health
        self.logger = logger
        metrics = StorageMetrics(operation: "append", factory: metricsFactory, health: health)
    }

    /// Appends in a transaction of its own, stamped `appendedAt` (the caller's `Timing.now`);
    /// throws `OutboxError` if the events were not stored.
    public func append(_ events: [PresenceEvent], appendedAt: Double) throws {
        do {
            try database.append(events, appendedAt: appendedAt)
            succeeded()
        } catch {
            throw failed(error, operation: "append \(events.count) events")
        }
    }

    /// Records a failure to store events and returns the error to throw.
    public func failed(_ error: any Error, operation: String) -> OutboxError {
        let failure = (error as? OutboxError) ?? OutboxError(operation: operation, underlying: error)
        logger.error("\(failure.description)")
        metrics.errors.increment()
        metrics.healthy.record(0)
        health.set("outbox", .failing(failure.description))
        return failure
    }

    /// Clears the failing state once a write goes through again.
    public func succeeded() {
        if case .ok = health.status(of: "outbox") { return }
        health.set("outbox", .ok)
        metrics.healthy.record(1)
        logger.notice("outbox: writes succeed again")
    }
}
