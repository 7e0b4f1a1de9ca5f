import AsyncHTTPClient
import FootfallCore
import Logging
import Metrics
import Storage

/// Delivers the outbox to every sink at once, each from its own cursor. `run()` is the
/// daemon's service: it ends when its task is cancelled, after flushing what it can.
public final class Forwarder: Sendable {
    public struct Options: Sendable {
        /// How often an idle worker looks for events appended by another process (appends in
        /// this process wake it at once).
        public var pollInterval: Duration = .milliseconds(250)
        public var backoff = Backoff()
        /// The longest Retry-After obeyed; a receiver asking for more is retried after this.
        public var maxRetryAfter: Duration = .seconds(3600)
        /// How long `run()` keeps flushing after it is cancelled.
        public var shutdownGrace: Duration = .seconds(5)
        public init() {}
    }

    /// The sinks could not all be emptied; each line names a sink and why.
    public struct Incomplete: Error, CustomStringConvertible {
        public var reasons: [String]
        public var description: String { reasons.joined(separator: "\n") }
    }

    public let database: GatewayDatabase
    public let sinks: [Sink]
    public let health: ForwardingHealth
    let options: Options
    let timing: Timing
    let logger: Logger
    let workers: [SinkWorker]

    public init(
        database: GatewayDatabase, sinks: [Sink], options: Options = .init(), timing: Timing = .live,
        health: ForwardingHealth = .init(), logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.database = database
        self.sinks = sinks
        self.options = options
        self.timing = timing
        self.health = health
        self.logger = logger
        let storage = StorageMetrics(operation: "deliver", factory: metricsFactory, health: health)
        workers = sinks.map { sink in
            SinkWorker(
                sink: sink, database: database, options: options, timing: timing, logger: logger,
                metrics: SinkMetrics(sink: sink.name, factory: metricsFactory), storage: storage, health: health,
                signal: WakeSignal())
        }
    }

    /// The sinks of a store's configuration (`sinks:`), over HTTP with `client`.
    public convenience init(
        configuration: StoreConfiguration, database: GatewayDatabase, client: HTTPClient = .sinks,
        options: Options = .init(), timing: Timing = .live, health: ForwardingHealth = .init(),
        logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        let sinks = try SinkSettings.parse(configuration).map { $0.makeSink(client: client, now: timing.now) }
        self.init(
            database: database, sinks: sinks, options: options, timing: timing, health: health, logger: logger,
            metricsFactory: metricsFactory)
    }

    /// Delivers until the task is cancelled, then flushes within `shutdownGrace`.
    public func run() async throws {
        guard !workers.isEmpty else {
            // A service that returns early would stop the daemon; without sinks the events
            // simply wait in the outbox for the first one.
            logger.notice("no sinks configured: events are kept in the outbox until one is")
            while !Task.isCancelled { try? await timing.sleep(.seconds(3600)) }
            return
        }
        let observation = observeAppends()
        defer { observation.cancel() }
        logger.info("forwarding to \(sinks.map(\.name).joined(separator: ", "))")
        await withTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask { try? await worker.run(untilDrained: false) }
            }
        }
    }

    /// Delivers until every sink's queue is empty; throws `Incomplete` when a sink must wait
    /// for its receiver or the database fails.
    public func drain() async throws {
        let reasons = await withTaskGroup(of: String?.self) { group in
            for worker in workers {
                group.addTask {
                    do {
                        try await worker.run(untilDrained: true)
                        return nil
                    } catch let stopped as SinkWorker.Stopped {
                        return "\(stopped.sink): \(stopped.reason)"
                    } catch {
                        return "\(worker.sink.name): \(error)"
                    }
                }
            }
            var reasons: [String] = []
            for await reason in group { if let reason { reasons.append(reason) } }
            return reasons.sorted()
        }
        if !reasons.isEmpty { throw Incomplete(reasons: reasons) }
    }

    /// Wakes every idle worker (appends made through this process's database do it already).
    public func wake() {
        for worker in workers { worker.signal.signal() }
    }

    private func observeAppends() -> OutboxObservation {
        let signals = workers.map(\.signal)
        let logger = logger
        return database.observeOutbox(
            onError: { error in logger.error("outbox: cannot observe appends: \(error)") },
            onChange: { for signal in signals { signal.signal() } })
    }
}
