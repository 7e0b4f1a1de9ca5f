import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MQTT
import Storage
import Testing

/// The `mqtt` sink against a real `mosquitto` on the loopback: every event on its type's topic,
/// a broker that is down at first, and the real binary killed with SIGKILL mid-stream.
@Suite(.serialized) struct MQTTSinkTests {
    static func sink(_ broker: MosquittoBroker) throws -> Sink {
        let component = StoreConfiguration.ComponentSettings(type: "mqtt", options: ["url": broker.url, "batch_size": "100", "timeout_ms": "2000"])
        return try SinkSettings(component, field: "sinks[0]", file: "store.yaml", store: "test-store", gateway: "gw-1").makeSink()
    }

    /// A store or gateway id with + or # makes a topic no broker takes: refused where the store
    /// file is read, not every event waiting for ever (audit); an id with a space makes a default
    /// client id with `_`, not a refusal of a `client_id` nobody wrote.
    @Test func idsThatCannotBeInATopicOrAClientIdAreSaidWhereTheyComeFrom() throws {
        let component = StoreConfiguration.ComponentSettings(type: "mqtt", options: ["url": "mqtt://127.0.0.1:1883"])
        let refused = #expect(throws: ConfigurationError.self) {
            try SinkSettings(component, field: "sinks[0]", file: "store.yaml", store: "store#12", gateway: "gw-1")
        }
        #expect(refused?.field == "sinks[0].topic" && refused?.message.contains("store id 'store#12'") == true, "\(String(describing: refused))")
        let spaced = try SinkSettings(component, field: "sinks[0]", file: "store.yaml", store: "Store 12", gateway: "gw 1")
        guard case .mqtt(let settings, _, _) = spaced.destination else {
            Issue.record("not an mqtt sink")
            return
        }
        #expect(!settings.clientID.contains(" ") && settings.clientID.contains("Store_12-gw_1"), "\(settings.clientID)")
    }

    @Test func everyEventArrivesAsItsJSONLineOnItsTypesTopicAndIsSettledOnceAcknowledged() async throws {
        let broker = try await MosquittoBroker.start()
        let subscriber = try await MQTTEventSubscriber(broker)
        defer { subscriber.client.stop() }
        let harness = try DeliveryHarness()
        let events = TestEvents.make(count: 300)
        try harness.append(events)
        let (_, task) = harness.start([try Self.sink(broker)])
        defer { task.cancel() }
        #expect(await subscriber.wait(forIDs: events.count))
        try await harness.waitUntilSettled()
        #expect(try harness.pending() == 0)
        for (topic, event) in subscriber.events {
            #expect(topic == "footfall/test-store/events/\(event["type"] as? String ?? "?")")
        }
        let byID = Dictionary(subscriber.events.map { ($0.event["id"] as! String, $0.event) }) { first, _ in first }
        for event in events.prefix(20) {
            let sent = try JSONSerialization.jsonObject(with: Data(event.jsonLine().utf8)) as! [String: Any]
            #expect(NSDictionary(dictionary: sent) == NSDictionary(dictionary: byID[event.id] ?? [:]), "the payload is the event's JSON line")
        }
    }

    @Test func aBrokerDownWhenEventsAreAppendedGetsThemAllOnceItIsBack() async throws {
        let broker = try await MosquittoBroker.start()
        let subscriber = try await MQTTEventSubscriber(broker)
        defer { subscriber.client.stop() }
        try await broker.stop()
        let harness = try DeliveryHarness()
        let events = TestEvents.make(count: 200)
        try harness.append(events)
        var options = Forwarder.Options()
        options.backoff = Backoff(base: .milliseconds(50), cap: .milliseconds(500))
        let (_, task) = harness.start([try Self.sink(broker)], options: options)
        defer { task.cancel() }
        // Attempts fail while it is down; nothing is settled.
        #expect(try await waitUntil(timeout: .seconds(120)) {
            try await harness.database.outboxStatus().first.map { $0.lastError != nil } == true
        })
        #expect(try harness.pending() == events.count)
        try await broker.restart()
        #expect(await subscriber.wait(forIDs: events.count), "\(broker.log)")
        try await harness.waitUntilSettled()
        #expect(try harness.pending() == 0)
    }

    /// What the tests of an unreachable broker count on: a stopped broker's port refuses
    /// connections until it is started again, and no other server in the run can take it.
    @Test func aStoppedBrokersPortRefusesConnectionsAndNothingElseCanListenOnIt() async throws {
        let broker = try await MosquittoBroker.start()
        try await broker.stop()
        #expect(!MosquittoBroker.accepts(host: broker.host, port: broker.port))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = MosquittoBroker.address(broker.host, port: broker.port)
        let listening = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        } && listen(fd, 1) == 0
        #expect(!listening, "a server took the stopped broker's port \(broker.port)")
        close(fd)
        try await broker.restart()
        #expect(MosquittoBroker.accepts(host: broker.host, port: broker.port))
    }

    @Test func killNineMidStreamThenRestartDeliversEveryEventAndRepeatsOnlyWithTheSameID() async throws {
        let broker = try await MosquittoBroker.start()
        let subscriber = try await MQTTEventSubscriber(broker)
        defer { subscriber.client.stop() }
        let directory = Fixtures.temporaryDirectory("mqtt-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store.yaml")
        try """
        store:
          id: test-store
          outline: [[0, 0], [10, 0], [10, 10], [0, 10]]
        sensors:
          - id: s1
            position: [1.0, 1.0, 2.5]
        sinks:
          - type: mqtt
            url: \(broker.url)
            batch_size: 25
        """.write(to: store, atomically: true, encoding: .utf8)
        let dbPath = directory.appendingPathComponent("gateway.sqlite").path
        let database = try GatewayDatabase(path: dbPath)
        let first = TestEvents.make(count: 4000, store: "test-store")
        try await onAThreadOfItsOwn { try database.append(first, appendedAt: Timing.live.now()) }
        let arguments = ["outbox", "deliver", "--store", store.path, "--db", dbPath, "--follow", "--poll-ms", "10"]

        let process = try FootfallProcess.start(arguments, logFile: directory.appendingPathComponent("deliver-1.log"))
        // Killed in the middle of the stream, with batches in flight: as the 1000th event
        // arrives, from the subscriber's thread, so that a starved test does not let the
        // deliverer finish first.
        let pid = process.pid
        subscriber.once(ids: 1000) { _ = kill(pid, SIGKILL) }
        #expect(await subscriber.wait(forIDs: 1000, timeout: .seconds(300)), "\(process.log)")
        await process.killOnItsOwnThread(SIGKILL)
        #expect(process.process.terminationReason == .uncaughtSignal)
        let atKill = subscriber.ids.count
        #expect(atKill < first.count, "the kill came after the whole stream (\(atKill) events): it proves nothing")

        let second = TestEvents.make(count: 1000, from: 4000, store: "test-store")
        try await onAThreadOfItsOwn { try database.append(second, appendedAt: Timing.live.now()) }
        let all = first + second
        let restarted = try FootfallProcess.start(arguments, logFile: directory.appendingPathComponent("deliver-2.log"))
        let complete = await subscriber.wait(forIDs: all.count)
        #expect(complete, "not everything arrived: \(restarted.log)")
        #expect(try await waitUntil(timeout: .seconds(120)) { try await database.outboxStatus().first?.pending == 0 })
        await restarted.killOnItsOwnThread(SIGTERM)

        #expect(subscriber.ids == Set(all.map(\.id)))
        // A repeat is the same event under the same id.
        var byID: [String: String] = [:]
        for (_, event) in subscriber.events {
            let id = event["id"] as! String
            let text = String(decoding: try JSONSerialization.data(withJSONObject: event, options: .sortedKeys), as: UTF8.self)
            if let earlier = byID[id] { #expect(earlier == text, "\(id) was repeated with other content") }
            byID[id] = text
        }
        let repeats = subscriber.events.count - subscriber.ids.count
        #expect(repeats <= 1000, "\(repeats) repeats: at most what was in flight at the kill")
    }
}
