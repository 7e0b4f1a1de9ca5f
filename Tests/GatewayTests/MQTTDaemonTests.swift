import Capture
import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import MQTT
import Storage
import Testing

/// `footfall run` with `type: mqtt` sources and sinks, through a real `mosquitto` on the loopback:
/// nodes of each format publish what they hear of a loyalty-app phone standing in the shop and
/// the daemon places it and decides its visit; bad reports are counted and the source goes on;
/// a broker nobody answers at is one status line; a gateway killed with SIGKILL while
/// publishing its events loses none; and a sensor gateway's upstream goes through the broker.
@Suite(.serialized) struct MQTTDaemonTests {
    static let uuid = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
    /// The address the phone advertises from; it must never reach a log, an event or a metric.
    static let addresses = ["4a1f22900c3e", "4A1F22900C3E", "4a:1f:22:90:0c:3e", "4A:1F:22:90:0C:3E"]
    /// Four ceiling nodes at the corners of a 12 × 10 m shop, named as the nodes name themselves.
    static let nodes: [(node: String, sensor: String, x: Double, y: Double)] = [
        ("front_left", "s1", 2, 2), ("front_right", "s2", 10, 2), ("back_left", "s3", 2, 8), ("back_right", "s4", 10, 8),
    ]
    static let phone = (x: 4.0, y: 4.0)

    typealias Store = (directory: URL, config: String, data: String)

    static func store(broker: MosquittoBroker, format: MQTTFormat, events: String, source extra: String = "", sinks: String = "") throws -> Store {
        let directory = Fixtures.temporaryDirectory("mqtt-daemon")
        let sensors = nodes.map { "  - id: \($0.sensor)\n    position: [\($0.x), \($0.y), 2.8]" }.joined(separator: "\n")
        // The footfall format's batches name store sensors themselves; the others name nodes.
        let mapping = format == .footfall ? "" : "    sensors:\n" + nodes.map { "      \($0.node): \($0.sensor)" }.joined(separator: "\n") + "\n"
        let text = """
            store:
              id: mqtt-shop
              outline: [[0, 0], [12, 0], [12, 10], [0, 10]]
            zones:
              - id: front
                polygon: [[0, 0], [12, 0], [12, 5], [0, 5]]
              - id: back
                polygon: [[0, 5], [12, 5], [12, 10], [0, 10]]
            sensors:
            \(sensors)
            identity:
              loyalty_uuids: [\(uuid)]
            presence:
              enter_after: 1
            sources:
              - type: mqtt
                url: \(broker.url)
                format: \(format.rawValue)
            \(extra)\(mapping)sinks:
              - type: jsonl
                path: \(events)
            \(sinks)api:
              listen: 127.0.0.1:0
              tokens: [t]

            """
        let config = directory.appendingPathComponent("store.yaml").path
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        return (directory, config, data)
    }

    /// A JSON lines file for the events of a test that does not read them.
    static func eventsFile() -> String {
        Fixtures.temporaryDirectory("mqtt-events").appendingPathComponent("events.jsonl").path
    }

    /// What one node publishes for the phone at `rssi`, in `format`.
    static func message(_ format: MQTTFormat, node: (node: String, sensor: String, x: Double, y: Double), rssi: Int, time: Double) -> MQTTMessage {
        switch format {
        case .espresense:
            let id = "iBeacon:\(uuid)-1-7"
            return MQTTMessage(topic: "espresense/devices/\(id)/\(node.node)", text: #"{"id":"\#(id)","rssi@1m":-59,"rssi":\#(rssi),"mac":"4a1f22900c3e","distance":3.1}"#)
        case .openmqttgateway:
            // Apple's company id (4c00), iBeacon type and length (0215), the UUID, major 1, minor 7, measured power -59 (c5).
            let data = "4c000215" + uuid.replacingOccurrences(of: "-", with: "") + "00010007c5"
            return MQTTMessage(topic: "home/\(node.node)/BTtoMQTT/4A1F22900C3E", text: #"{"id":"4A:1F:22:90:0C:3E","rssi":\#(rssi),"manufacturerdata":"\#(data)"}"#)
        case .footfall:
            return MQTTMessage(topic: "footfall/mqtt-shop/sensors/\(node.sensor)", text: """
                {"sensor":"\(node.sensor)","sent_at":\(time),"observations":[{"time":\(time),"device":"ibeacon:\(uuid):1:7","rssi":\(rssi),"tx_power":-59,"radio":"ble"}]}
                """)
        }
    }

    /// The four nodes' reports of the phone now, at the RSSI the default path loss (−59 dBm at
    /// 1 m, exponent 2.2) gives for each node's distance to it.
    static func reports(_ format: MQTTFormat) -> [MQTTMessage] {
        let now = Date().timeIntervalSince1970
        return nodes.map { node in
            let distance = ((node.x - phone.x) * (node.x - phone.x) + (node.y - phone.y) * (node.y - phone.y) + 1.6 * 1.6).squareRoot()
            return message(format, node: node, rssi: Int((-59 - 22 * log10(distance)).rounded()), time: now)
        }
    }

    /// A node's client on the test's broker.
    static func publisher(_ broker: MosquittoBroker, id: String = "nodes") async throws -> MQTTClient {
        var settings = try MQTTSettings(url: broker.url, clientID: id)
        settings.reconnectFirst = .milliseconds(100)
        let client = try MQTTClient(settings: settings)
        client.start()
        guard await client.connected(within: .seconds(300)) else { throw MosquittoBroker.BrokerError("the nodes did not connect: \(broker.log)") }
        return client
    }

    static func start(_ store: Store) async throws -> (FootfallProcess.Running, DaemonClient) {
        try await DaemonSourceTests.start(store)
    }

    @Test(arguments: MQTTFormat.allCases)
    func nodesPublishingThroughABrokerPlaceTheLoyaltyPhoneInsideTheShopAndStartItsVisit(format: MQTTFormat) async throws {
        let broker = try await MosquittoBroker.start()
        let events = Fixtures.temporaryDirectory("mqtt-events").appendingPathComponent("events.jsonl").path
        let store = try Self.store(broker: broker, format: format, events: events)
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill() }
        let source = "source mqtt \(broker.url) \(format.rawValue)"
        let connected = try await client.status(within: .seconds(120)) { DaemonSourceTests.component($0, source) == "running" }
        #expect(DaemonSourceTests.component(connected, source) == "running", "\(daemon.log)")
        let publisher = try await Self.publisher(broker)
        defer { publisher.stop() }

        // Each node reports ten times a second, as a node does while a phone is in range, until
        // the daemon has decided its entry and placed the phone in the front zone (or two
        // minutes pass). The first second may bring one node's report only, which places the
        // phone no better than somewhere around that node, in either zone: the zone follows
        // once the other nodes are heard.
        var entered = false
        var placed: [String: Any]?
        _ = try await waitUntil(timeout: .seconds(120), every: .milliseconds(100)) {
            try await publisher.publish(Self.reports(format), timeout: .seconds(60))
            let status = try await client.get("/api/status").json ?? [:]
            entered = ((status["events_by_type"] as? [String: Int])?["store.entered"] ?? 0) > 0
            let devices = (try? JSONSerialization.jsonObject(with: Data(try await client.get("/api/devices").body.utf8)) as? [[String: Any]]) ?? []
            placed = devices.first { $0["x"] is Double }
            return entered && placed?["zone"] as? String == "front"
        }
        #expect(entered, "no store.entered: \(daemon.log)")
        let position = try #require(placed, "not placed: \(daemon.log)")
        let x = try #require(position["x"] as? Double), y = try #require(position["y"] as? Double)
        // Four nodes around a standing phone: within the front half, a few metres of the truth.
        #expect((0...12).contains(x) && (0...10).contains(y), "placed inside the shop: \(x), \(y)")
        #expect(position["zone"] as? String == "front", "the phone stands in the front zone: \(position)")
        let status = try await client.get("/api/status").json ?? [:]
        let bySensor = status["observations_by_sensor"] as? [String: Int] ?? [:]
        #expect(Set(bySensor.keys) == ["s1", "s2", "s3", "s4"], "every node is its sensor: \(bySensor)")
        // The loyalty phone's entry reached the sink.
        #expect(await waitUntil { ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").contains("\"store.entered\"") })
        let metrics = try await client.get("/metrics").body
        #expect(metrics.contains("footfall_mqtt_messages_total{source=\"mqtt \(broker.url) \(format.rawValue)\"}"), "\(metrics)")
        await daemon.killOnItsOwnThread(SIGTERM)
        let written = [metrics, daemon.log, (try? String(contentsOfFile: events, encoding: .utf8)) ?? "", "\(status)", "\(position)"]
        for address in Self.addresses {
            #expect(written.allSatisfy { !$0.contains(address) }, "the phone's address \(address) is in the metrics, the log, an event or the status")
        }
    }

    @Test func badReportsAreCountedPerTopicAndLoggedOnceEachWhileGoodOnesGoOn() async throws {
        let broker = try await MosquittoBroker.start()
        let store = try Self.store(broker: broker, format: .espresense, events: Self.eventsFile())
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill() }
        let source = "source mqtt \(broker.url) espresense"
        _ = try await client.status(within: .seconds(120)) { DaemonSourceTests.component($0, source) == "running" }
        // Each report is published once: the daemon must have subscribed before (a source is
        // "running" from the moment it starts connecting).
        try #require(await waitUntil { broker.hasSubscription(to: "espresense/devices/+/+") }, "\(broker.log)")
        let publisher = try await Self.publisher(broker)
        defer { publisher.stop() }

        // Three of each kind of bad report, a node's firmware sending them again and again.
        let device = "espresense/devices/4a1f22900c3e"
        let bad = [
            MQTTMessage(topic: "\(device)/front_left", text: "rssi=-70 mac=4a1f22900c3e"),
            MQTTMessage(topic: "\(device)/stockroom", text: #"{"id":"4a1f22900c3e","rssi":-70}"#),
            MQTTMessage(topic: "\(device)/back_right", text: #"{"id":"4a1f22900c3e","rssi":-300}"#),
        ]
        try await publisher.publish(bad + bad + bad + Self.reports(.espresense), timeout: .seconds(10))
        // The good reports after them are still heard, by every node.
        let heard = try await client.status(within: .seconds(120)) { status in
            ["s1", "s2", "s3", "s4"].allSatisfy { DaemonSourceTests.observations(status, $0) >= 1 }
        }
        #expect(["s1", "s2", "s3", "s4"].allSatisfy { DaemonSourceTests.observations(heard, $0) == 1 }, "\(heard)")
        #expect(DaemonSourceTests.component(heard, source) == "running")
        let metrics = try await client.get("/metrics").body
        for (topic, reason) in [("front_left", "not_json"), ("stockroom", "unmapped_node"), ("back_right", "rssi_out_of_range")] {
            let line = "footfall_mqtt_rejected_total{source=\"mqtt \(broker.url) espresense\",topic=\"espresense/devices/+/\(topic)\",reason=\"\(reason)\"} 3"
            #expect(metrics.contains(line), "\(line) in\n\(metrics)")
        }
        await daemon.killOnItsOwnThread(SIGTERM)
        let warnings = daemon.log.split(separator: "\n").filter { $0.contains("skipping a message") }
        #expect(warnings.count == 3, "once per topic and reason: \(warnings)")
        #expect(warnings.contains { $0.contains("espresense/devices/+/stockroom") && $0.contains("node 'stockroom'") })
        #expect(warnings.contains { $0.contains("espresense/devices/+/back_right: rssi: -300") && $0.contains("is not an RSSI") }, "\(warnings)")
        for address in Self.addresses {
            #expect(!daemon.log.contains(address) && !metrics.contains(address), "the address \(address) was written")
        }
    }

    @Test func anUnreachableBrokerIsOneStatusLineForTheSourceAndOneForTheSinkWhileTheRestOfTheGatewayRuns() async throws {
        let broker = try await MosquittoBroker.start()
        try await broker.stop()
        // The events go to the same broker, which is not there either.
        let store = try Self.store(broker: broker, format: .espresense, events: Self.eventsFile(), sinks: "  - type: mqtt\n    url: \(broker.url)\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let database = try GatewayDatabase(path: store.data + "/" + GatewayData.databaseName)
        try database.append(
            (0..<3).map { PresenceEvent(id: "e-\($0)", type: .storeTraffic, occurredAt: 1_700_000_000 + Double($0), storeID: "mqtt-shop", gatewayID: "gateway-1") }, appendedAt: Timing.live.now())
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill() }
        let source = "source mqtt \(broker.url) espresense"
        // Three attempts, each counted as a source error.
        let errors = "footfall_source_errors_total{source=\"mqtt \(broker.url) espresense\"} "
        let attempts = { (metrics: String) -> Int in
            metrics.split(separator: "\n").first { $0.hasPrefix(errors) }.flatMap { Int($0.dropFirst(errors.count)) } ?? 0
        }
        var metrics = ""
        _ = try await waitUntil(timeout: .seconds(120), every: .milliseconds(200)) {
            metrics = try await client.get("/metrics").body
            return attempts(metrics) >= 3
        }
        #expect(attempts(metrics) >= 3, "\(metrics)")
        // The sink says so once it has failed three times (each attempt waits 5 s for the broker).
        let status = try await client.status(within: .seconds(180)) { DaemonSourceTests.component($0, "sink:mqtt").hasPrefix("degraded:") }
        #expect(DaemonSourceTests.component(status, source).hasPrefix("failing: \(broker.url): connection refused (retrying in"), "\(status)")
        #expect(try await client.get("/healthz").status == 200, "the rest of the gateway runs")
        let shown = try await FootfallProcess.run(["status", "--url", "http://127.0.0.1:\(client.port)", "--token", "t"])
        let lines = shown.standardOutput.split(separator: "\n").filter { $0.contains(broker.url) }
        #expect(lines.count == 2, "one line for the source and one for the sink:\n\(shown.standardOutput)")
        #expect(lines.contains { $0.contains("\(source): failing: \(broker.url): connection refused") }, "\(lines)")
        // Three failed attempts or more: the sink tries again every 5 s while `status` runs.
        let failed = lines.compactMap { line -> Int? in
            guard let range = line.range(of: "sink:mqtt: degraded: "), line.contains(" failed attempts, last: not connected to \(broker.url): connection refused") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(failed.count == 1 && failed[0] >= 3, "\(lines)")
        #expect(shown.standardOutput.contains("sink mqtt: 3 pending, 0 dead"), "the events wait in the outbox")
        await daemon.killOnItsOwnThread(SIGTERM)
        let logged = daemon.log.split(separator: "\n").filter { $0.contains("mqtt source: \(broker.url): connection refused") }
        #expect(logged.count == 1, "the reason once, not once an attempt: \(daemon.log)")
    }

    @Test func aWrongPasswordIsOneStatusLineAndThePasswordIsNeverShown() async throws {
        let broker = try await MosquittoBroker.start(users: ["footfall": "right-horse"])
        let directory = Fixtures.temporaryDirectory("mqtt-password")
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = directory.appendingPathComponent("mqtt.password").path
        try "battery-staple\n".write(toFile: password, atomically: true, encoding: .utf8)
        let store = try Self.store(
            broker: broker, format: .espresense, events: Self.eventsFile(), source: "    username: footfall\n    password_file: \(password)\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill() }
        let source = "source mqtt \(broker.url) espresense"
        let status = try await client.status(within: .seconds(120)) { DaemonSourceTests.component($0, source).hasPrefix("failing:") }
        let line = DaemonSourceTests.component(status, source)
        #expect(line.contains("not authorised") || line.contains("bad user name or password"), "\(status)")
        #expect(try await client.get("/healthz").status == 200)
        await daemon.killOnItsOwnThread(SIGTERM)
        #expect(!daemon.log.contains("battery-staple") && !"\(status)".contains("battery-staple"), "the password is never printed")
    }

    /// The demo store replaying a simulated trace, its events to an `mqtt` sink in batches of
    /// ten that wait up to 3 s to fill, so some events are nearly always in the outbox.
    static func replayingStore(broker: MosquittoBroker) throws -> Store {
        var settings = StoreSimulatorSettings.make(minutes: 6, shoppers: 150, seed: 19)
        settings.loyaltyShare = 0.6
        let files = try StoreSimulatorSettings.write(settings, layout: try StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout)
        let demo = try Fixtures.demoStoreWithoutSources()
        let config = files.directory.appendingPathComponent("store.yaml").path
        try (demo + """

            sources:
              - type: trace
                path: \(files.trace)
                speed: 20
            sinks:
              - type: mqtt
                url: \(broker.url)
                batch_size: 10
                flush_interval_ms: 3000
            api:
              listen: 127.0.0.1:0
              tokens: [t]
            """).write(toFile: config, atomically: true, encoding: .utf8)
        let data = files.directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        return (files.directory, config, data)
    }

    @Test func aGatewayKilledWithSIGKILLWhilePublishingLosesNoEventAndRepeatsOnlyUnderTheSameID() async throws {
        let broker = try await MosquittoBroker.start()
        let subscriber = try await MQTTEventSubscriber(broker)
        defer { subscriber.client.stop() }
        let store = try await onAThreadOfItsOwn { try Self.replayingStore(broker: broker) }
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let daemon = try FootfallProcess.start(["run", "--config", store.config, "--data", store.data], logFile: store.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        // Killed once some events were published and others wait in the outbox.
        #expect(await subscriber.wait(forIDs: 10, timeout: .seconds(300)), "\(daemon.log)")
        let database = try GatewayDatabase(path: store.data + "/" + GatewayData.databaseName)
        _ = try await waitUntil(timeout: .seconds(300)) { try Int(database.lastSequence()) > subscriber.ids.count }
        await daemon.killOnItsOwnThread(SIGKILL)
        #expect(daemon.process.terminationReason == .uncaughtSignal)
        let atKill = subscriber.ids.count

        // Every event the gateway stored before it died is delivered by the outbox, once per id.
        let stored = try Int(database.lastSequence())
        #expect(atKill < stored, "the kill came after every event was published (\(atKill) of \(stored)): it proves nothing")
        let deliver = try await FootfallProcess.run(["outbox", "deliver", "--data", store.data, "--store", store.config])
        #expect(deliver.status == 0, "\(deliver.standardError)")
        #expect(await subscriber.wait(forIDs: stored, timeout: .seconds(60)), "\(subscriber.ids.count) of \(stored): \(deliver.standardError)")
        #expect(subscriber.ids.count == stored)
        #expect(try await database.outboxStatus().first?.pending == 0)
        // A repeat is the same event under the same id.
        var byID: [String: String] = [:]
        for (_, event) in subscriber.events {
            let id = event["id"] as? String ?? ""
            let text = String(decoding: try JSONSerialization.data(withJSONObject: event, options: .sortedKeys), as: UTF8.self)
            if let earlier = byID[id] { #expect(earlier == text, "\(id) was repeated with other content") }
            byID[id] = text
        }
        for (topic, event) in subscriber.events {
            #expect(topic == "footfall/demo-store/events/\(event["type"] as? String ?? "?")")
        }
    }
}

extension MQTTDaemonTests {
    @Test func aSensorGatewayPublishingToABrokerFeedsTheLocatingGatewaysFootfallSource() async throws {
        let broker = try await MosquittoBroker.start()
        let locating = try DaemonSourceTests.store(sources: "  - type: mqtt\n    url: \(broker.url)\n    format: footfall\n")
        defer { try? FileManager.default.removeItem(at: locating.directory) }
        let (locatingDaemon, locatingClient) = try await Self.start(locating)
        defer { locatingDaemon.kill() }

        // The sensor gateway: the simulator stands in for its radios; its upstream is the broker.
        let sensor = try DaemonSourceTests.store(
            sources: "  - type: simulate\n    hours: 0.1\n    shoppers_per_hour: 3000\n    seed: 5\n",
            api: "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\nupstream:\n  url: \(broker.url)\n  flush_interval: 0.2\n")
        defer { try? FileManager.default.removeItem(at: sensor.directory) }
        let (sensorDaemon, sensorClient) = try await Self.start(sensor)
        defer { sensorDaemon.kill() }

        // Devices appear on the locating gateway, positioned, heard by several sensors.
        let status = try await locatingClient.status(within: .seconds(300)) { status in
            (status["observations_by_sensor"] as? [String: Int] ?? [:]).count >= 3 && (status["devices_tracked"] as? Int ?? 0) > 0
        }
        let bySensor = status["observations_by_sensor"] as? [String: Int] ?? [:]
        #expect(bySensor.count >= 3, "several sensors heard through the broker: \(bySensor)\nlocating:\n\(locatingDaemon.log)\nsensor:\n\(sensorDaemon.log)")
        #expect(DaemonSourceTests.component(status, "source mqtt \(broker.url) footfall") == "running")
        let upstreamOf = { (status: [String: Any]) in (status["components"] as? [String: String])?["upstream"] ?? "" }
        let upstream = upstreamOf(try await sensorClient.status(within: .seconds(300)) { upstreamOf($0).contains(" sent, ") && !upstreamOf($0).contains("failing") })
        #expect(upstream.hasPrefix("\(broker.url): ") && upstream.contains(" sent, ") && !upstream.contains("failing"), "\(upstream)")

        // Stopping the sensor gateway publishes what it still holds.
        await sensorDaemon.killOnItsOwnThread(SIGTERM)
        #expect(sensorDaemon.process.terminationStatus == 0, "\(sensorDaemon.log)")
        #expect(sensorDaemon.log.contains("uplink stopped"))
        await locatingDaemon.killOnItsOwnThread(SIGTERM)
    }

    @Test func anMQTTUpstreamWithSensorTokensIsRefusedNamingTheLine() async throws {
        let store = try DaemonSourceTests.store(
            sources: "  - type: simulate\n",
            api: "api:\n  listen: 127.0.0.1:0\nupstream:\n  url: mqtt://127.0.0.1:1883\n  tokens:\n    s1: x\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let result = try await FootfallProcess.run(["run", "--config", store.config, "--data", store.data])
        #expect(result.status != 0)
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1 && errors[0].contains("upstream.tokens: are for an http(s) upstream; a broker checks its own users"), "\(result.standardError)")
    }
}
