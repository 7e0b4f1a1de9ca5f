import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import MetricsTestKit
import Storage
import Synchronization
import Testing

@Suite struct MultiSinkTests {
    @Test func aSinkThatIsDownDoesNotHoldBackAnotherAndCatchesUpFromItsOwnCursor() async throws {
        let harness = try DeliveryHarness()
        let healthy = try await HTTPReceiver.start()
        let flaky = try await HTTPReceiver.start { _ in .init(status: 503) }
        let segment = try SinkSettings(
            .init(type: "segment", options: ["write_key": "k", "url": flaky.url + "/v1/batch"]), field: "sinks[1]", file: "store.yaml"
        ).makeSink()
        let events = TestEvents.make(count: 50)
        try harness.append(events)
        var options = Forwarder.Options()
        options.backoff = Backoff(base: .milliseconds(5), cap: .milliseconds(20))
        let metrics = TestMetrics()
        let health = ForwardingHealth()
        let (_, task) = harness.start(
            [DeliveryHarness.cloudEventsSink(healthy.url, batchSize: 10), segment], options: options, health: health, metrics: metrics)
        defer { task.cancel() }
        #expect(await healthy.wait { Received.events($0.map(\.body)).count >= 50 })
        #expect(await flaky.wait { $0.count >= 4 }, "the fourth attempt comes after the third failure was noted")
        #expect(try await waitUntil { try await harness.database.outboxStatus().first { $0.sink == "cloudevents" }?.pending == 0 })
        let status = try await harness.database.outboxStatus()
        #expect(status.first { $0.sink == "segment" }?.pending == 50)
        #expect(try harness.database.keptEventCount() == 50, "kept for the sink behind")
        guard case .degraded = health.status(of: "sink:segment") else {
            Issue.record("segment health is \(health.status(of: "sink:segment"))")
            return
        }

        flaky.setResponder { _ in .ok }
        #expect(await flaky.wait { requests in
            requests.filter { $0.responseStatus == 200 }.compactMap { Received.json($0.body) as? [String: Any] }
                .flatMap { ($0["batch"] as? [[String: Any]]) ?? [] }.count >= 50
        })
        _ = try await waitUntil { try harness.pending() == 0 && health.status(of: "sink:segment") == .ok }
        #expect(try harness.pending() == 0)
        #expect(health.status(of: "sink:segment") == .ok)
        #expect(try harness.database.keptEventCount() == 0, "compacted once both have them")
        task.cancel()
        _ = await task.result
        #expect(try metrics.expectGauge("footfall_outbox_pending", [("sink", "segment")]).lastValue == 0)
        #expect(metrics.counterTotal(label: "footfall_outbox_delivered_total") == 100)
        try await healthy.stop()
        try await flaky.stop()
    }

    @Test func anEventOverSegmentsThirtyTwoKilobytesIsDeadLetteredAndTheRestDelivered() async throws {
        let harness = try DeliveryHarness()
        let receiver = try await HTTPReceiver.start()
        var events = TestEvents.make(count: 3)
        events[1].loyaltyClass = String(repeating: "x", count: 40_000)
        try harness.append(events)
        let sink = try SinkSettings(
            .init(type: "segment", options: ["write_key": "k", "url": receiver.url + "/v1/batch"]), field: "sinks[0]", file: "store.yaml"
        ).makeSink()
        let forwarder = Forwarder(database: harness.database, sinks: [sink], logger: DeliveryHarness.quiet)
        try await forwarder.drain()
        let batch = receiver.requests.compactMap { Received.json($0.body) as? [String: Any] }.flatMap { ($0["batch"] as? [[String: Any]]) ?? [] }
        #expect(batch.compactMap { $0["messageId"] as? String } == ["e-000000", "e-000002"])
        let dead = try harness.database.letters(state: "dead")
        #expect(dead.map(\.eventID) == ["e-000001"])
        #expect(dead.first?.reason.contains("over the sink's limit of 32000 bytes") == true, "\(dead.first?.reason ?? "")")
        #expect(dead.first?.responseStatus == nil)
        try await receiver.stop()
    }
}

@Suite struct NoSinkTests {
    @Test func withoutSinksRunWaitsForCancellationAndKeepsTheEvents() async throws {
        let harness = try DeliveryHarness()
        try harness.append(TestEvents.make(count: 3))
        let clock = ManualClock()
        let forwarder = Forwarder(database: harness.database, sinks: [], timing: clock.timing, logger: DeliveryHarness.quiet)
        let finished = Atomic<Bool>(false)
        let task = Task {
            try await forwarder.run()
            finished.store(true, ordering: .sequentiallyConsistent)
        }
        // It waits, and goes on waiting however long nothing happens.
        try #require(await waitUntil { clock.sleepers == 1 })
        clock.advance(by: .seconds(7 * 86_400))
        try #require(await waitUntil { clock.sleepers == 1 && clock.waits.count >= 2 })
        let early = finished.load(ordering: .sequentiallyConsistent)
        #expect(!early, "run() returned before it was cancelled")
        task.cancel()
        _ = await task.result
        let done = finished.load(ordering: .sequentiallyConsistent)
        #expect(done)
        #expect(try harness.database.lastSequence() == 3)
        #expect(try harness.database.keptEventCount() == 3)
    }
}
