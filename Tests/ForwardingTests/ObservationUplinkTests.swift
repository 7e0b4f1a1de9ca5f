import FootfallCore
import FootfallTesting
@testable import Forwarding
import Foundation
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// A sensor gateway's uplink against a real HTTP receiver on 127.0.0.1 standing in for the
/// locating gateway's `POST /api/observations`. The waits take the receiver's default (300 s):
/// in a fresh-clone CI run on a loaded machine (load average 7) no request of the uplink had
/// reached the receiver 120 s after it started, where alone it takes milliseconds. The test
/// run's cooperative threads were then held for up to 82 s at a time by other suites' long
/// work, which now runs on threads of its own (README, "Layout").
@Suite struct ObservationUplinkTests {
    static let tokens = ["s1": "token-1", "s2": "token-2"]

    static func observation(_ i: Int, sensor: String = "s1") -> Observation {
        Observation(time: 1_767_603_600 + Double(i) / 10, sensor: SensorID(sensor), device: DeviceID("ble:c0:00:00:00:00:\(String(format: "%02x", i % 200))"), rssi: -60 - Double(i % 30), txPower: i % 2 == 0 ? -59 : nil, radio: .ble, channel: 37)
    }

    /// The observations a receiver took, as (sensor, token, time) in arrival order.
    static func taken(_ requests: [HTTPReceiver.Request]) -> [(sensor: String, token: String?, time: Double)] {
        requests.filter { $0.responseStatus == 202 }.flatMap { request -> [(String, String?, Double)] in
            guard let batch = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                  let sensor = batch["sensor"] as? String, let items = batch["observations"] as? [[String: Any]] else { return [] }
            return items.map { (sensor, request.header("Authorization"), $0["time"] as? Double ?? .nan) }
        }
    }

    /// Each request's numbering, in arrival order: (sensor, stream, seq, observations, status).
    static func numbers(_ requests: [HTTPReceiver.Request]) -> [(sensor: String, stream: String, seq: Int, count: Int, status: Int?)] {
        requests.compactMap { request in
            guard let batch = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                  let sensor = batch["sensor"] as? String, let stream = batch["stream"] as? String, let seq = batch["seq"] as? Int,
                  let items = batch["observations"] as? [[String: Any]] else { return nil }
            return (sensor, stream, seq, items.count, request.responseStatus)
        }
    }

    /// Whether each sensor's requests taken number its observations without a gap from `first`.
    static func numberedInOrder(_ requests: [HTTPReceiver.Request], from first: [String: Int] = [:]) -> Bool {
        var next = first
        for request in numbers(requests) where request.status == 202 {
            guard request.seq == next[request.sensor, default: 0] else { return false }
            next[request.sensor] = request.seq + request.count
        }
        return true
    }

    static func uplink(_ receiver: HTTPReceiver, maxBuffer: Int = 10_000, batchSize: Int = 50) -> ObservationUplink {
        ObservationUplink(
            options: .init(url: receiver.url, tokens: tokens, batchSize: batchSize, maxBuffer: maxBuffer, flushInterval: .milliseconds(20),
                           backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100))),
            logger: Logger(label: "test"))
    }

    @Test func observationsGoUpInBatchesPerSensorWithThatSensorsTokenInOrder() async throws {
        let receiver = try await HTTPReceiver.start { _ in .init(status: 202, body: #"{"accepted":"1"}"#) }
        let uplink = Self.uplink(receiver)
        let sent = (0..<300).map { Self.observation($0, sensor: $0 % 3 == 0 ? "s2" : "s1") }
        for o in sent { uplink.append(o) }
        let running = Task { await uplink.run() }
        #expect(await receiver.wait { Self.taken($0).count == sent.count })
        uplink.finish()
        await running.value
        let taken = Self.taken(receiver.requests)
        #expect(taken.map(\.time).sorted() == sent.map(\.time), "every observation once")
        for sensor in ["s1", "s2"] {
            #expect(taken.filter { $0.sensor == sensor }.map(\.time) == sent.filter { $0.sensor.rawValue == sensor }.map(\.time), "\(sensor)'s in order")
        }
        // A request carries a sensor's whole share of a batch, not a run of it: the sensors
        // are interleaved, and a request a run had carried one or two observations.
        #expect(receiver.requests.count <= 2 * (sent.count / 50 + 1), "\(receiver.requests.count) requests")
        #expect(taken.allSatisfy { $0.token == "Bearer " + Self.tokens[$0.sensor]! })
        #expect(receiver.requests.allSatisfy { $0.uri == "/api/observations" && $0.header("Content-Type") == "application/json" })
        // The body carries what the locating gateway's schema asks for.
        let first = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[0].body)) as? [String: Any])
        #expect(first["sent_at"] is Double)
        // Each sensor's observations numbered in order in one stream, by which the locating
        // gateway leaves out a batch sent again.
        let numbering = Self.numbers(receiver.requests)
        #expect(numbering.count == receiver.requests.count && Set(numbering.map(\.stream)).count == 1)
        #expect(numbering.first.map { $0.stream.count == 32 && $0.stream.allSatisfy(\.isHexDigit) } == true)
        #expect(Self.numberedInOrder(receiver.requests), "\(numbering)")
        #expect(Self.uplink(receiver).stream != uplink.stream, "a new stream at each start")
        let item = try #require((first["observations"] as? [[String: Any]])?.first)
        #expect(item["device"] as? String == "ble:c0:00:00:00:00:00" && item["rssi"] as? Double == -60 && item["tx_power"] as? Int == -59)
        #expect(item["radio"] as? String == "ble" && item["channel"] as? Int == 37)
        let status = uplink.status
        #expect(status.buffered == 0 && status.sent == 300 && status.dropped == 0 && status.lastFailure == nil)
        try await receiver.stop()
    }

    /// One sensor's requests refused (its token wrong), the other's taken: what was taken is
    /// not sent again when the refused ones finally go, and nothing is lost.
    @Test func aSensorRefusedDoesNotHoldTheOthersNorMakeThemSentTwice() async throws {
        let receiver = try await HTTPReceiver.start { request in
            request.header("Authorization") == "Bearer token-2" ? .init(status: 401, body: "{}") : .init(status: 202, body: "{}")
        }
        let uplink = Self.uplink(receiver)
        let running = Task { await uplink.run() }
        let sent = (0..<200).map { Self.observation($0, sensor: $0 % 2 == 0 ? "s1" : "s2") }
        for o in sent { uplink.append(o) }
        // All of s1's go while s2's are refused, and s1's later ones too: s2's backlog at the
        // front of the buffer does not stand before them.
        #expect(await receiver.wait { Self.taken($0).count == 100 && $0.filter { $0.responseStatus == 401 }.count >= 2 })
        let later = (200..<300).map { Self.observation($0, sensor: "s1") }
        for o in later { uplink.append(o) }
        #expect(await receiver.wait { Self.taken($0).count == 200 }, "s1's later readings go while s2 is refused")
        #expect(Self.taken(receiver.requests).allSatisfy { $0.sensor == "s1" })
        #expect(uplink.status.lastFailure?.hasPrefix("sensor s2: HTTP 401") == true, "\(uplink.status.lastFailure ?? "")")
        receiver.setResponder { _ in .init(status: 202, body: "{}") }
        #expect(await receiver.wait { Self.taken($0).count >= sent.count + later.count })
        uplink.finish()
        await running.value
        let taken = Self.taken(receiver.requests)
        #expect(taken.count == sent.count + later.count, "each once: \(taken.count) taken of \(sent.count + later.count)")
        #expect(taken.map(\.time).sorted() == (sent + later).map(\.time))
        try await receiver.stop()
    }

    /// A sensor refused waits out its own back-off; the others do not wait with it: batches
    /// of ten, a back-off of seconds, and every one of s1's readings goes before s2 is tried a
    /// third time (one back-off for all had sent ten readings a back-off).
    @Test func aRefusedSensorsBackOffIsItsOwn() async throws {
        let receiver = try await HTTPReceiver.start { request in
            request.header("Authorization") == "Bearer token-2" ? .init(status: 401, body: "{}") : .init(status: 202, body: "{}")
        }
        let uplink = ObservationUplink(
            options: .init(url: receiver.url, tokens: Self.tokens, batchSize: 10, maxBuffer: 10_000, flushInterval: .milliseconds(20),
                           backoff: Backoff(base: .seconds(20), cap: .seconds(60))),
            logger: Logger(label: "test"))
        let running = Task { await uplink.run() }
        let sent = (0..<200).map { Self.observation($0, sensor: $0 % 4 == 0 ? "s2" : "s1") }
        for o in sent { uplink.append(o) }
        #expect(await receiver.wait { Self.taken($0).count == 150 })
        #expect(receiver.requests.filter { $0.responseStatus == 401 }.count <= 2, "s2 tried \(receiver.requests.filter { $0.responseStatus == 401 }.count) times")
        // (The receiver has the last request before the uplink has its answer.)
        #expect(try await waitUntil(timeout: .seconds(300), every: .milliseconds(10)) { uplink.status.buffered == 50 })
        #expect(uplink.status.lastFailure?.hasPrefix("sensor s2") == true, "\(uplink.status)")
        uplink.finish()
        await running.value
        #expect(uplink.status.buffered == 50, "s2's are left, said: \(uplink.status)")
        try await receiver.stop()
    }

    /// `footfall_uplink_healthy` reads 0 while sending fails and 1 once it goes through again
    /// (`/healthz` of a sensor gateway says nothing of its uplink).
    @Test func theHealthGaugeFollowsTheAttempts() async throws {
        let receiver = try await HTTPReceiver.start { _ in .init(status: 503, body: "restarting") }
        let metrics = TestMetrics()
        let uplink = ObservationUplink(
            options: .init(url: receiver.url, tokens: Self.tokens, batchSize: 50, maxBuffer: 10_000, flushInterval: .milliseconds(20),
                           backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100))),
            logger: Logger(label: "test"), metricsFactory: metrics)
        #expect(try metrics.expectGauge("footfall_uplink_healthy").lastValue == 1)
        let running = Task { await uplink.run() }
        for i in 0..<10 { uplink.append(Self.observation(i)) }
        #expect(await waitUntil { (try? metrics.expectGauge("footfall_uplink_healthy"))?.lastValue == 0 })
        receiver.setResponder { _ in .init(status: 202, body: "{}") }
        #expect(await waitUntil { (try? metrics.expectGauge("footfall_uplink_healthy"))?.lastValue == 1 })
        #expect(uplink.status.sent == 10)
        uplink.finish()
        await running.value
        try await receiver.stop()
    }

    @Test func whileTheLocatingGatewayRefusesNothingIsLostAndItAllArrivesLater() async throws {
        let receiver = try await HTTPReceiver.start { _ in .init(status: 503, body: "restarting") }
        let uplink = Self.uplink(receiver)
        let running = Task { await uplink.run() }
        let sent = (0..<120).map { Self.observation($0) }
        for o in sent.prefix(60) { uplink.append(o) }
        #expect(await receiver.wait { $0.count >= 3 }, "it keeps trying")
        #expect(uplink.status.lastFailure?.contains("503") == true)
        for o in sent.suffix(60) { uplink.append(o) }
        receiver.setResponder { _ in .init(status: 202, body: "{}") }
        #expect(await receiver.wait { Self.taken($0).count == sent.count })
        uplink.finish()
        await running.value
        #expect(Self.taken(receiver.requests).map(\.time) == sent.map(\.time))
        #expect(uplink.status.dropped == 0 && uplink.status.lastFailure == nil)
        // Each batch tried again carries the numbers it had: taken once whatever the answers.
        let numbering = Self.numbers(receiver.requests)
        #expect(numbering.filter { $0.status == 503 }.allSatisfy { $0.seq == 0 }, "\(numbering)")
        #expect(Self.numberedInOrder(receiver.requests))
        try await receiver.stop()
    }

    @Test func aFullBufferDropsTheOldestAndCountsThem() async throws {
        let receiver = try await HTTPReceiver.start { _ in .init(status: 401, body: #"{"error":"a valid token for sensor 's1' is required"}"#) }
        let uplink = Self.uplink(receiver, maxBuffer: 100, batchSize: 40)
        let running = Task { await uplink.run() }
        let sent = (0..<250).map { Self.observation($0) }
        for o in sent { uplink.append(o) }
        #expect(uplink.status.dropped == 150)
        #expect(uplink.status.buffered == 100)
        #expect(await receiver.wait { $0.count >= 2 })
        #expect(uplink.status.lastFailure?.contains("401") == true, "a refusal is kept and retried, with its reason")
        #expect(uplink.status.lastFailure?.hasPrefix("sensor s1: HTTP 401") == true, "naming the sensor refused: \(uplink.status.lastFailure ?? "")")
        receiver.setResponder { _ in .init(status: 202, body: "{}") }
        #expect(await receiver.wait { Self.taken($0).count == 100 })
        uplink.finish()
        await running.value
        #expect(Self.taken(receiver.requests).map(\.time) == sent.suffix(100).map(\.time), "the newest hundred, in order")
        #expect(Self.numberedInOrder(receiver.requests, from: ["s1": 150]), "numbered as appended: the gap is the dropped")
        try await receiver.stop()
    }

    /// A sensor refused holding more than a batch of readings does not stall the others: their
    /// readings went only when the refused one was due again (up to the back-off's 30 s; here
    /// an hour), since its held readings counted towards a batch's filling (audit).
    @Test func aRefusedSensorHoldingMoreThanABatchDoesNotStallTheOthers() async throws {
        let receiver = try await HTTPReceiver.start { request in
            request.header("Authorization") == "Bearer token-2" ? .init(status: 401, body: "{}") : .init(status: 202, body: "{}")
        }
        let uplink = ObservationUplink(
            options: .init(url: receiver.url, tokens: Self.tokens, batchSize: 10, maxBuffer: 10_000, flushInterval: .milliseconds(20),
                           backoff: Backoff(base: .seconds(3600), cap: .seconds(3600))),
            logger: Logger(label: "test"))
        let running = Task { await uplink.run() }
        for i in 0..<50 { uplink.append(Self.observation(i, sensor: "s2")) }
        #expect(await receiver.wait { $0.contains { $0.responseStatus == 401 } })
        // s1's readings come after s2 was refused, a few at a time, as a live sensor's do.
        for i in 50..<80 {
            uplink.append(Self.observation(i, sensor: "s1"))
            if i % 10 == 9 {
                #expect(await receiver.wait { Self.taken($0).count == i - 49 }, "s1's readings up to \(i) go while s2 waits out its hour")
            }
        }
        #expect(receiver.requests.filter { $0.responseStatus == 401 }.count == 1)
        uplink.finish()
        await running.value
        #expect(uplink.status.buffered == 50)
        try await receiver.stop()
    }

    /// What decides the wait: only the readings of sensors not held fill a batch (those of a
    /// sensor refused counted, and the loop slept until that sensor was due: up to 30 s).
    @Test func onlyTheReadingsOfSensorsNotHeldFillABatch() {
        var state = ObservationUplink.State()
        for i in 0..<50 { state.append(Self.observation(i, sensor: "s2")) }
        for i in 50..<53 { state.append(Self.observation(i, sensor: "s1")) }
        #expect(state.sendable == 53)
        state.held = ["s2"]
        #expect(state.sendable == 3)
        state.removeFirst(10)
        #expect(state.bySensor["s2"] == 40 && state.sendable == 3)
        let batch = state.batch(10, holding: state.held)
        state.remove(batch.places, ofBatchFrom: batch.number)
        #expect(state.sendable == 0 && state.count == 40 && state.bySensor["s1"] == nil)
    }

    /// A request over the locating gateway's body limit (HTTP 413) is split: the sensor's
    /// requests carry half as many until they fit, and everything arrives once, in order. Sent
    /// again as it was, such a batch (filled during an outage) was refused for ever (audit).
    @Test func aRequestTooLargeIsSplitUntilItFits() async throws {
        let receiver = try await HTTPReceiver.start { request in
            let items = ((try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["observations"] as? [Any])?.count ?? 0
            return items > 8 ? .init(status: 413, body: #"{"error":"the body is over 4096 bytes"}"#) : .init(status: 202, body: "{}")
        }
        let uplink = Self.uplink(receiver, batchSize: 50)
        for i in 0..<50 { uplink.append(Self.observation(i)) }
        let running = Task { await uplink.run() }
        #expect(await receiver.wait { Self.taken($0).count == 50 })
        uplink.finish()
        await running.value
        #expect(Self.taken(receiver.requests).map(\.time) == (0..<50).map { Self.observation($0).time })
        #expect(Self.numberedInOrder(receiver.requests))
        #expect(Self.numbers(receiver.requests).filter { $0.status == 413 }.map(\.count) == [50, 25, 12])
        #expect(uplink.status.lastFailure == nil && uplink.status.dropped == 0)
    }

    /// Readings the full buffer takes while their batch is out are dropped only if the batch
    /// did not deliver them: counted once, as sent (audit: counted as both).
    @Test func readingsDroppedWhileTheirBatchIsOutAndThenDeliveredAreNotCountedDropped() async throws {
        let release = Mutex(false)
        let calls = Mutex(0)
        let uplink = ObservationUplink(
            options: .init(url: "http://127.0.0.1:1", tokens: Self.tokens, batchSize: 10, maxBuffer: 20, flushInterval: .milliseconds(20),
                           backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100))),
            logger: Logger(label: "test"),
            send: { _, _, _ in
                calls.withLock { $0 += 1 }
                _ = await waitUntil { release.withLock { $0 } }
                return .delivered
            })
        for i in 0..<10 { uplink.append(Self.observation(i)) }
        let running = Task { await uplink.run() }
        #expect(await waitUntil { calls.withLock { $0 } == 1 })
        // 25 more while the first ten are out: drop-oldest takes those ten and five more.
        for i in 10..<35 { uplink.append(Self.observation(i)) }
        #expect(uplink.status.dropped == 5, "the ten out are not counted yet: \(uplink.status)")
        release.withLock { $0 = true }
        #expect(await waitUntil { uplink.status.buffered == 0 })
        uplink.finish()
        await running.value
        #expect(uplink.status.sent == 30 && uplink.status.dropped == 5, "\(uplink.status)")
    }

    @Test func finishingWithTheLocatingGatewayDownReturnsAndSaysWhatIsLeft() async throws {
        let receiver = try await HTTPReceiver.start { _ in .init(status: 500) }
        let uplink = Self.uplink(receiver)
        for i in 0..<10 { uplink.append(Self.observation(i)) }
        uplink.finish()
        await uplink.run()
        #expect(receiver.requests.count == 1, "one last attempt")
        #expect(uplink.status.buffered == 10)
        try await receiver.stop()
    }
}
