import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import MetricsTestKit
import Storage
import Synchronization
import Testing

@Suite struct DeliveryTests {
    @Test func receiverDownBacksOffExponentiallyThenDeliversEveryEventInOrder() async throws {
        let harness = try DeliveryHarness()
        // Reserve a port on a loopback address no other test uses, then take the receiver down.
        let first = try await HTTPReceiver.start(host: "127.0.0.2")
        let port = first.port
        try await first.stop()
        let events = TestEvents.make(count: 300)
        try harness.append(events)
        let revived = Mutex<HTTPReceiver?>(nil)
        // The receiver comes back during the fourth wait.
        let recorder = SleepRecorder { count in
            guard count >= 4, revived.withLock({ $0 }) == nil else { return }
            if let receiver = try? await HTTPReceiver.start(host: "127.0.0.2", port: port) { revived.withLock { $0 = receiver } }
        }
        let timing = Timing(sleep: { try await recorder.sleep($0) }, random: { 0.5 }, now: { Date().timeIntervalSince1970 })
        var options = Forwarder.Options()
        options.backoff = Backoff(base: .milliseconds(100), cap: .seconds(5))
        let metrics = TestMetrics()
        let (_, task) = harness.start(
            [DeliveryHarness.cloudEventsSink("http://127.0.0.2:\(port)/events", batchSize: 40)], timing: timing, options: options,
            metrics: metrics)
        defer { task.cancel() }
        _ = await waitUntil { revived.withLock { $0 } != nil }
        let receiver = try #require(revived.withLock { $0 })
        #expect(await receiver.wait(timeout: .seconds(60)) { Received.events($0.map(\.body)).count >= 300 })
        try await harness.waitUntilSettled()
        task.cancel()
        _ = await task.result
        // Full jitter with the random number fixed at 0.5: half of 100, 200, 400, 800 ms.
        let delays = await recorder.delays
        #expect(Array(delays.prefix(4)) == [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400)])
        #expect(receivedIDs(receiver) == events.map(\.id))
        #expect(try harness.pending() == 0)
        #expect(metrics.counterTotal(label: "footfall_outbox_delivered_total") == 300)
        #expect(metrics.counterTotal(label: "footfall_outbox_retried_total") >= 4 * 40)
        try await receiver.stop()
    }

    @Test func tooManyRequestsWithRetryAfterOneSecondWaitsBetweenOneAndNinetySeconds() async throws {
        let harness = try DeliveryHarness()
        let calls = Atomic<Int>(0)
        let receiver = try await HTTPReceiver.start { _ in
            calls.add(1, ordering: .relaxed).newValue == 1
                ? .init(status: 429, headers: [("Retry-After", "1")], body: "{\"error\":\"slow down\"}") : .ok
        }
        try harness.append(TestEvents.make(count: 5))
        let (_, task) = harness.start([DeliveryHarness.cloudEventsSink(receiver.url)])
        defer { task.cancel() }
        #expect(await receiver.wait { $0.count >= 2 })
        task.cancel()
        let requests = receiver.requests
        try #require(requests.count >= 2)
        let waited = requests[1].monotonic - requests[0].monotonic
        #expect(waited >= .seconds(1), "the retry came after \(waited)")
        #expect(waited < .seconds(90))
        #expect(receivedIDs(receiver).suffix(5) == TestEvents.make(count: 5).map(\.id))
        try await receiver.stop()
    }

    @Test func badRequestGoesToDeadLettersWithTheBodyAndRetrySendsItAgain() async throws {
        let harness = try DeliveryHarness()
        let refuse = Atomic<Bool>(true)
        let receiver = try await HTTPReceiver.start { _ in
            refuse.load(ordering: .relaxed) ? .init(status: 400, body: "{\"error\":\"unknown field\"}") : .ok
        }
        try harness.append(TestEvents.make(count: 3))
        let metrics = TestMetrics()
        let (_, task) = harness.start([DeliveryHarness.cloudEventsSink(receiver.url)], metrics: metrics)
        defer { task.cancel() }
        var dead: [OutboxLetter] = []
        _ = try await waitUntil {
            dead = try harness.database.letters(state: "dead")
            return dead.count >= 3
        }
        #expect(dead.map(\.eventID) == TestEvents.make(count: 3).map(\.id))
        #expect(dead.first?.responseStatus == 400)
        #expect(dead.first?.responseBody == "{\"error\":\"unknown field\"}")
        #expect(receiver.requests.count == 1, "a refused batch is not retried by itself")
        #expect(await waitUntil { metrics.counterTotal(label: "footfall_outbox_dead_total") == 3 })

        refuse.store(false, ordering: .relaxed)
        #expect(try harness.database.retryDead() == 3)
        #expect(await receiver.wait { $0.count >= 2 })
        try #require(receiver.requests.count >= 2)
        #expect(Received.events([receiver.requests[1].body]).compactMap { $0["id"] as? String } == TestEvents.make(count: 3).map(\.id))
        _ = try await waitUntil { try harness.database.letters().isEmpty }
        #expect(try harness.database.letters().isEmpty)
        try await receiver.stop()
    }

    /// A receiver that refuses every batch fills the dead letters: after three refusals in a
    /// row the sink shows degraded, as one that fails does, and healthy again once one is taken.
    @Test func aSinkWhoseBatchesAreAllRefusedShowsDegradedUntilOneIsTaken() async throws {
        let harness = try DeliveryHarness()
        let refuse = Atomic<Bool>(true)
        let receiver = try await HTTPReceiver.start { _ in
            refuse.load(ordering: .relaxed) ? .init(status: 422, body: "{\"error\":\"schema\"}") : .ok
        }
        try harness.append(TestEvents.make(count: 4))
        let health = ForwardingHealth()
        let (_, task) = harness.start([DeliveryHarness.cloudEventsSink(receiver.url, batchSize: 1)], health: health)
        defer { task.cancel() }
        #expect(try await waitUntil { try harness.database.letters(state: "dead").count >= 3 })
        #expect(await waitUntil { if case .degraded = health.status(of: "sink:cloudevents") { true } else { false } })
        let shown = health.status(of: "sink:cloudevents").description
        #expect(shown.contains("batches in a row with events refused for good, last: the receiver refused the batch with HTTP 422"), "\(shown)")
        #expect(shown.contains("footfall outbox list --state dead"), "\(shown)")
        refuse.store(false, ordering: .relaxed)
        try harness.append(TestEvents.make(count: 6).suffix(2))
        #expect(await waitUntil { health.status(of: "sink:cloudevents") == .ok })
        try await receiver.stop()
    }

    @Test func segmentBatchCarriesTheWriteKeyAsBasicAuthAndAVerifiableSignature() async throws {
        let harness = try DeliveryHarness()
        let receiver = try await HTTPReceiver.start()
        let sink = try SinkSettings(
            .init(type: "segment", options: ["write_key": "wk_123", "url": receiver.url + "/v1/batch", "hmac_secret": "shh"]),
            field: "sinks[0]", file: "store.yaml"
        ).makeSink()
        try harness.append(TestEvents.make(count: 4))
        let (_, task) = harness.start([sink])
        defer { task.cancel() }
        #expect(await receiver.wait { !$0.isEmpty })
        task.cancel()
        let request = try #require(receiver.requests.first)
        #expect(request.method == "POST" && request.uri == "/v1/batch")
        #expect(request.header("Authorization") == "Basic " + Data("wk_123:".utf8).base64EncodedString())
        #expect(request.header("Content-Type") == "application/json")
        let signature = try #require(request.header("Footfall-Signature"))
        #expect(RequestSignature.verify(header: signature, body: request.body, secret: "shh", now: Int(Date().timeIntervalSince1970)))
        let object = try #require(Received.json(request.body) as? [String: Any])
        let batch = try #require(object["batch"] as? [[String: Any]])
        #expect(batch.compactMap { $0["messageId"] as? String } == TestEvents.make(count: 4).map(\.id))
        #expect(object["sentAt"] is String)
        try await receiver.stop()
    }

    @Test func cloudEventsRequestCarriesTheBearerTokenAndTheBatchContentType() async throws {
        let harness = try DeliveryHarness()
        let receiver = try await HTTPReceiver.start()
        try harness.append(TestEvents.make(count: 2))
        let (_, task) = harness.start([DeliveryHarness.cloudEventsSink(receiver.url + "/ingest", token: "tok-9")])
        defer { task.cancel() }
        #expect(await receiver.wait { !$0.isEmpty })
        task.cancel()
        let request = try #require(receiver.requests.first)
        #expect(request.header("Authorization") == "Bearer tok-9")
        #expect(request.header("Content-Type") == "application/cloudevents-batch+json")
        #expect(request.header("Footfall-Signature") == nil)
        #expect(Received.cloudEvents([request.body]).map { $0["source"] as? String } == ["/footfall/test-store/gw-1", "/footfall/test-store/gw-1"])
        try await receiver.stop()
    }

    /// The poll is an hour, so arriving at all within the test proves the append woke the worker;
    /// the latency itself is measured by the benchmarks (a parallel test run is no stopwatch: in
    /// the whole suite a delivery woken at once took 12 s here and over 100 s in two CI runs,
    /// where alone it takes a second: the test run's cooperative threads were held by other
    /// tests' computations for up to 82 s at a time, until those suites ran on threads of their
    /// own at a lower priority, `OnItsOwnThreadTrait`).
    @Test func anEventAppendedToAnIdleSinkIsSentLongBeforeThePollWouldSendIt() async throws {
        let harness = try DeliveryHarness()
        let receiver = try await HTTPReceiver.start()
        var options = Forwarder.Options()
        options.pollInterval = .seconds(3600)  // only the wake-up on append can explain a delivery
        let metrics = TestMetrics()
        let (_, task) = harness.start([DeliveryHarness.cloudEventsSink(receiver.url)], options: options, metrics: metrics)
        defer { task.cancel() }
        // The worker records its queue's gauges just before it reads the queue and, finding it
        // empty, goes idle.
        #expect(await waitUntil { (try? metrics.expectGauge("footfall_outbox_pending", [("sink", "cloudevents")])) != nil })
        let appended = ContinuousClock.now
        try harness.append(TestEvents.make(count: 1))
        #expect(await receiver.wait(timeout: .seconds(600)) { !$0.isEmpty })
        let latency = try #require(receiver.requests.first).monotonic - appended
        print("an event appended to an idle sink reached the receiver after \(latency)")
        #expect(latency < .seconds(600), "took \(latency)")
        task.cancel()
        try await receiver.stop()
    }

    @Test func cancellingRunFlushesWhatIsPendingBeforeItReturns() async throws {
        let harness = try DeliveryHarness()
        let receiver = try await HTTPReceiver.start()
        var options = Forwarder.Options()
        options.pollInterval = .seconds(30)
        let sink = Sink(
            // A request's timeout as long as a wait on the receiver, and a flush interval no stall
            // of a loaded test run outlasts. With 60 s, a run whose cooperative threads stalled
            // for 56 s (2026-12-06) let the interval pass before the cancellation: the worker sent
            // the five, the cancellation cut its request after the receiver had them, and the
            // flush sent them again (at least once, as designed, but this test counts once).
            name: "slow", encoder: CloudEventsEncoder(), transport: HTTPTransport(options: .init(url: receiver.url, timeout: .seconds(300)), now: Timing.live.now),
            batching: Batching(maxEvents: 10, flushInterval: .seconds(3600)))
        try harness.append(TestEvents.make(count: 5))
        let metrics = TestMetrics()
        let (_, task) = harness.start([sink], options: options, metrics: metrics)
        // The worker has counted the five, which the flush interval then holds back.
        #expect(await waitUntil { (try? metrics.expectGauge("footfall_outbox_pending", [("sink", "slow")]))?.lastValue == 5 })
        #expect(receiver.requests.isEmpty, "the flush interval holds the partial batch")
        task.cancel()
        _ = await task.result
        #expect(receivedIDs(receiver) == TestEvents.make(count: 5).map(\.id))
        #expect(try harness.pending() == 0)
        try await receiver.stop()
    }

    /// The wall clock stepped back an hour after the events were stored (NTP, by hand): their
    /// age by it is negative, which is not a wait of the flush interval plus the step (audit:
    /// a partial batch waited `flush_interval_ms` + the step).
    @Test func aWallClockSteppedBackDoesNotHoldAPartialBatchTheLengthOfTheStep() async throws {
        let harness = try DeliveryHarness()
        let receiver = try await HTTPReceiver.start()
        let sink = Sink(
            name: "flushed", encoder: CloudEventsEncoder(), transport: HTTPTransport(options: .init(url: receiver.url), now: Timing.live.now),
            batching: Batching(maxEvents: 10, flushInterval: .seconds(2)))
        try harness.append(TestEvents.make(count: 5))
        let stepped = Timing(now: { Timing.live.now() - 3600 })
        let (_, task) = harness.start([sink], timing: stepped)
        // Its age by the stepped clock is negative: sent at once, not an hour and 2 s later.
        #expect(await waitUntil(timeout: .seconds(60)) { receiver.requests.count >= 1 })
        #expect(receivedIDs(receiver) == TestEvents.make(count: 5).map(\.id))
        task.cancel()
        _ = await task.result
        try await receiver.stop()
    }

    @Test func jsonLinesSinkAppendsEveryEventToTheFile() async throws {
        let directory = Fixtures.temporaryDirectory("jsonl")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.jsonl").path
        let harness = try DeliveryHarness()
        let sink = try SinkSettings(.init(type: "jsonl", options: ["path": path, "fsync": "always"]), field: "sinks[0]", file: "s.yaml").makeSink()
        try harness.append(TestEvents.make(count: 25))
        let forwarder = Forwarder(database: harness.database, sinks: [sink], logger: DeliveryHarness.quiet)
        try await forwarder.drain()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == TestEvents.make(count: 25).map { $0.jsonLine() + "\n" }.joined())
    }
}
