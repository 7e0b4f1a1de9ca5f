import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Logging
import Metrics
import Storage

/// A database, a receiver and a forwarder running in a task, for one test.
struct DeliveryHarness {
    static let quiet = Logger(label: "footfall.test") { _ in SwiftLogNoOpLogHandler() }

    let database: GatewayDatabase

    init() throws {
        database = try GatewayDatabase()
    }

    func append(_ events: [PresenceEvent]) throws {
        try database.append(events, appendedAt: Timing.live.now())
    }

    static func cloudEventsSink(_ url: String, batchSize: Int = 500, token: String? = nil) -> Sink {
        Sink(
            name: "cloudevents", encoder: CloudEventsEncoder(),
            // A request's timeout no stall of a loaded test run outlasts: a batch sent again after
            // a late answer would repeat ids the tests count once (a refused connection still
            // fails at once).
            transport: HTTPTransport(options: .init(url: url, bearerToken: token, timeout: .seconds(300)), now: Timing.live.now),
            batching: Batching(maxEvents: batchSize))
    }

    func start(
        _ sinks: [Sink], timing: Timing = .live, options: Forwarder.Options = .init(),
        health: ForwardingHealth = .init(), metrics: (any MetricsFactory)? = nil
    ) -> (Forwarder, Task<Void, any Error>) {
        let forwarder = Forwarder(
            database: database, sinks: sinks, options: options, timing: timing, health: health, logger: Self.quiet,
            metricsFactory: metrics)
        return (forwarder, Task { try await forwarder.run() })
    }

    /// Waits until no sink has anything pending (the receipts are stored), or `timeout` passes.
    func waitUntilSettled(timeout: Duration = .seconds(60)) async throws {
        _ = try await waitUntil(timeout: timeout) { try pending() == 0 }
    }

    func pending() throws -> Int {
        try database.outboxStatus().reduce(0) { $0 + $1.pending }
    }
}

/// Records the waits the forwarder asks for and lets a test act on the n-th one.
actor SleepRecorder {
    private(set) var delays: [Duration] = []
    private let onSleep: @Sendable (Int) async -> Void

    init(onSleep: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.onSleep = onSleep
    }

    func sleep(_ delay: Duration) async throws {
        delays.append(delay)
        await onSleep(delays.count)
        try Task.checkCancellation()
        await Task.yield()
    }
}

/// The ids a receiver got, in arrival order, from CloudEvents batches.
func receivedIDs(_ receiver: HTTPReceiver) -> [String] {
    Received.events(receiver.requests.map(\.body)).compactMap { $0["id"] as? String }
}
