import Capture
import FootfallCore
import FootfallTesting
import Foundation
import Logging
import MetricsTestKit
@testable import MQTT
import Synchronization
import Testing

/// The MQTT source against a real `mosquitto` on the loopback: reports in, bad ones counted, a
/// wrong password reported, a broker restarted mid-stream.
@Suite(.serialized) struct MQTTSourceTests {
    /// An ESPresense report of device number `index` (a static random address, so each is a
    /// device of its own) heard in `room`.
    static func report(_ index: Int, room: String = "kitchen") -> MQTTMessage {
        let mac = String(format: "c40000%06x", index)
        return MQTTMessage(topic: "espresense/devices/\(mac)/\(room)", text: #"{"id":"\#(mac)","rssi":-70,"mac":"\#(mac)","distance":2.5}"#)
    }

    static func device(_ index: Int) -> DeviceID {
        let mac = String(format: "c40000%06x", index)
        return DeviceID("ble:" + stride(from: 0, to: 12, by: 2).map { String(mac.dropFirst($0).prefix(2)) }.joined(separator: ":"))
    }

    /// The source under test, running in a task, with what it reported.
    final class Running: Sendable {
        let task: Task<Void, any Error>
        let observations = ObservationCollector()
        let status = StatusRecorder()
        let metrics = TestMetrics()
        let log = LogRecorder()

        init(broker: MosquittoBroker, username: String? = nil, password: String? = nil, topics: [String] = MQTTFormat.espresense.defaultTopics(store: "test")) throws {
            var settings = try MQTTSettings(url: broker.url, clientID: "footfall-test-source")
            settings.username = username
            settings.password = password
            settings.reconnectFirst = .milliseconds(100)
            settings.reconnectMaximum = .milliseconds(400)
            let (observations, status, log) = (observations, status, log)
            let source = MQTTSource(
                settings: settings, topics: topics,
                decoder: MQTTObservationDecoder(format: .espresense, sensors: ["kitchen": "s1"], storeSensors: ["s1", "s2"]),
                timing: Timing(now: { 100 }), logger: Logger(label: "test") { _ in log.handler() },
                metrics: MQTTSourceMetrics(source: "mqtt test", factory: metrics),
                onStatus: { text in status.append(text) },
                onObservations: { for observation in $0 { observations.handler(observation) } })
            task = Task { try await source.run() }
        }

        var lastStatus: String?? { status.all.last }

        func waitForStatus(_ timeout: Duration = .seconds(120), _ condition: @escaping (String?) -> Bool) async -> Bool {
            await waitUntil(timeout: timeout, every: .milliseconds(10)) {
                guard let last = lastStatus else { return false }
                return condition(last)
            }
        }

        func stop() async {
            task.cancel()
            _ = await task.result
        }
    }

    /// A node publishing with QoS 1 from a persistent session, as ESPresense does.
    static func publisher(_ broker: MosquittoBroker, id: String = "espresense-kitchen") async throws -> MQTTClient {
        var settings = try MQTTSettings(url: broker.url, clientID: id)
        settings.reconnectFirst = .milliseconds(100)
        settings.reconnectMaximum = .milliseconds(400)
        let client = try MQTTClient(settings: settings)
        client.start()
        guard await client.connected(within: .seconds(120)) else { throw MosquittoBroker.BrokerError("the publisher did not connect: \(broker.log)") }
        return client
    }

    @Test func reportsThroughARealBrokerBecomeObservationsAndBadOnesAreCountedPerTopicAndLoggedOnce() async throws {
        let broker = try await MosquittoBroker.start()
        let source = try Running(broker: broker)
        #expect(await source.waitForStatus { $0 == nil }, "the source did not connect: \(broker.log)")
        // Each report is published once: the source's subscription must be in first.
        try #require(await waitUntil { broker.hasSubscription(to: "espresense/devices/+/+") }, "\(broker.log)")
        let node = try await Self.publisher(broker)
        defer { node.stop() }
        let bad = [
            MQTTMessage(topic: "espresense/devices/c40000000001/kitchen", text: "rssi=-70"),
            MQTTMessage(topic: "espresense/devices/c40000000002/kitchen", text: "{not json"),
            MQTTMessage(topic: "espresense/devices/c40000000003/garage", text: #"{"id":"c40000000003","rssi":-70}"#),
        ]
        try await node.publish((0..<50).map { Self.report($0) } + bad, timeout: .seconds(120))
        await source.observations.wait(for: 50, seconds: 120)
        // The bad messages came after the good ones on the same connection, in order.
        let rejected = { (topic: String, reason: String) in
            (try? source.metrics.expectCounter("footfall_mqtt_rejected_total", [("source", "mqtt test"), ("topic", topic), ("reason", reason)]).totalValue) ?? 0
        }
        #expect(await waitUntil { rejected("espresense/devices/+/garage", "unmapped_node") == 1 })
        #expect(rejected("espresense/devices/+/kitchen", "not_json") == 2)
        #expect(Set(source.observations.observations.map(\.device)) == Set((0..<50).map(Self.device)))
        #expect(source.observations.observations.allSatisfy { $0.sensor == "s1" && $0.rssi == -70 && $0.time == 100 })
        let warnings = source.log.messages.filter { $0.contains("skipping a message") }
        #expect(warnings.count == 2, "once per topic and reason: \(warnings)")
        #expect(warnings.allSatisfy { !$0.contains("c4:00") && !$0.contains("c40000") }, "no address in \(warnings)")
        await source.stop()
    }

    /// The broker keeps a persistent session's subscriptions: a source started again with
    /// other topics under the same client id got the old ones' messages too, and counted each
    /// ESPresense report twice (audit). What no configured filter matches is left out, counted.
    @Test func aSubscriptionTheSessionKeptFromAnEarlierConfigurationBringsNothing() async throws {
        let broker = try await MosquittoBroker.start()
        let earlier = try Running(broker: broker, topics: ["espresense/rooms/+"])
        try #require(await waitUntil { broker.hasSubscription(to: "espresense/rooms/+") }, "\(broker.log)")
        await earlier.stop()
        let source = try Running(broker: broker)
        try #require(await waitUntil { broker.hasSubscription(to: "espresense/devices/+/+") }, "\(broker.log)")
        let node = try await Self.publisher(broker)
        defer { node.stop() }
        let mac = "c40000000007"
        try await node.publish([
            MQTTMessage(topic: "espresense/rooms/kitchen", text: #"{"id":"\#(mac)","rssi":-70}"#),
            MQTTMessage(topic: "espresense/devices/\(mac)/kitchen", text: #"{"id":"\#(mac)","rssi":-70}"#),
        ], timeout: .seconds(120))
        await source.observations.wait(for: 1, seconds: 120)
        let rejected = {
            (try? source.metrics.expectCounter(
                "footfall_mqtt_rejected_total", [("source", "mqtt test"), ("topic", "espresense/rooms/kitchen"), ("reason", "unexpected_topic")]
            ).totalValue) ?? 0
        }
        #expect(await waitUntil { rejected() == 1 }, "the kept subscription's message was not left out")
        #expect(source.observations.observations.count == 1)
        await source.stop()
    }

    /// An `mqtts://` connection trusting the system's roots (no `ca_file`, the documented
    /// default) never came back after its first drop: libmosquitto refused every reconnect
    /// with "Invalid function arguments provided" (audit). The broker's certificate is put in a
    /// folder of roots hashed as the system's are, which the client is pointed at.
    @Test func anMQTTSConnectionOnTheSystemsRootsComesBackAfterTheBrokerRestarts() async throws {
        let broker = try await MosquittoBroker.start(tls: true)
        let certificate = try #require(broker.certificate)
        let roots = Fixtures.temporaryDirectory("roots")
        defer { try? FileManager.default.removeItem(at: roots) }
        try FileManager.default.copyItem(atPath: certificate, toPath: roots.appendingPathComponent("test-ca.pem").path)
        let rehash = try ChildProcess("/usr/bin/openssl", ["rehash", roots.path])
        try #require(rehash.terminationStatus == 0, "openssl rehash failed")
        let system = MQTTClient.systemRootsFolder.withLock { $0 }
        MQTTClient.systemRootsFolder.withLock { $0 = roots.path }
        defer { MQTTClient.systemRootsFolder.withLock { $0 = system } }
        var settings = try MQTTSettings(url: broker.url, clientID: "footfall-test-tls")
        #expect(settings.tls && settings.caFile == nil)
        settings.reconnectFirst = .milliseconds(100)
        settings.reconnectMaximum = .milliseconds(400)
        let connections = Mutex(0)
        let failures = Mutex<[String]>([])
        let client = try MQTTClient(settings: settings) { event in
            switch event {
            case .connected: connections.withLock { $0 += 1 }
            case .disconnected(let reason, _): failures.withLock { $0.append(reason) }
            default: break
            }
        }
        client.start()
        defer { client.stop() }
        #expect(await waitUntil { connections.withLock { $0 } == 1 }, "\(failures.withLock { $0 }) \(broker.log)")
        try await broker.restart()
        #expect(await waitUntil { connections.withLock { $0 } >= 2 }, "never reconnected: \(failures.withLock { $0 })")
        #expect(!failures.withLock { $0 }.contains { $0.contains("Invalid function arguments") })
    }

    /// A publish waiting on a hung broker gives up when its task is cancelled (the gateway
    /// stopping), not after its timeout (audit: a stop took twice `timeout_ms`, past systemd's).
    @Test func aPublishToAHungBrokerEndsWhenCancelled() async throws {
        let broker = try await MosquittoBroker.start()
        let client = try await Self.publisher(broker, id: "footfall-test-hung")
        defer { client.stop() }
        broker.pause()
        defer { broker.resume() }
        let publishing = Task { try await client.publish([Self.report(1)], timeout: .seconds(3_600)) }
        // Cancelled once it waits for the acknowledgment the hung broker never sends.
        #expect(await waitUntil { client.isAwaitingAcknowledgment })
        publishing.cancel()
        let outcome = await publishing.result
        guard case .failure(let error) = outcome else {
            Issue.record("the publish to a hung broker succeeded")
            return
        }
        #expect("\(error)".contains("when the gateway stopped"), "\(error)")
    }

    @Test func aWrongPasswordIsOneStatusLineAndOneLogLineWhileTheSourceKeepsTrying() async throws {
        let broker = try await MosquittoBroker.start(users: ["footfall": "right"])
        let source = try Running(broker: broker, username: "footfall", password: "wrong")
        #expect(await source.waitForStatus { $0?.contains("bad user name or password") == true || $0?.contains("not authorised") == true },
                "status: \(String(describing: source.lastStatus))")
        // It keeps trying: several attempts, each a status, one log line.
        #expect(await waitUntil(timeout: .seconds(120)) { source.status.all.count >= 3 })
        #expect(!source.task.isCancelled)
        let errors = source.log.messages.filter { $0.contains("retrying with back-off") }
        #expect(errors.count == 1, "\(errors)")
        #expect(source.log.messages.allSatisfy { !$0.contains("wrong") }, "the password is never printed")
        await source.stop()
    }

    @Test func aBrokerRestartedMidStreamLosesNoReportAndTheSourceReconnectsByItself() async throws {
        let broker = try await MosquittoBroker.start()
        let source = try Running(broker: broker)
        #expect(await source.waitForStatus { $0 == nil })
        try #require(await waitUntil { broker.hasSubscription(to: "espresense/devices/+/+") }, "\(broker.log)")
        let node = try await Self.publisher(broker)
        defer { node.stop() }
        let total = 600
        // The node publishes in small batches and, like ESPresense, sends again what the
        // broker did not acknowledge; the broker restarts a third of the way in.
        // Bounded (and cancelled if the test leaves early), so that a broker that never takes a
        // batch again fails the test rather than holding the run.
        let deadline = ContinuousClock.now + .seconds(600)
        let publishing = Task {
            var next = 0
            while next < total, ContinuousClock.now < deadline, !Task.isCancelled {
                let batch = (next..<min(total, next + 10)).map { Self.report($0) }
                do {
                    try await node.publish(batch, timeout: .seconds(2))
                    next += batch.count
                } catch {
                    if await !node.connected(within: .seconds(120)) { try? await Task.sleep(for: .milliseconds(100)) }
                }
            }
        }
        defer { publishing.cancel() }
        await source.observations.wait(for: total / 3, seconds: 120)
        try await broker.restart()
        _ = await publishing.value
        // A batch sent again, or redelivered after the restart, is heard twice: wait for every
        // report, not for as many observations.
        _ = await waitUntil(timeout: .seconds(120)) { Set(source.observations.observations.map(\.device)).count >= total }
        let heard = Set(source.observations.observations.map(\.device))
        #expect(heard == Set((0..<total).map(Self.device)), "\(total - heard.count) reports lost:\n\(broker.log)")
        #expect(source.status.all.contains { $0?.contains("retrying") == true }, "the source saw the broker go")
        #expect(source.lastStatus == .some(nil), "and came back by itself")
        await source.stop()
    }
}

/// What a source said about its connection, in order (nil: connected).
final class StatusRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String?] = []
    func append(_ text: String?) { lock.withLock { items.append(text) } }
    var all: [String?] { lock.withLock { items } }
}
