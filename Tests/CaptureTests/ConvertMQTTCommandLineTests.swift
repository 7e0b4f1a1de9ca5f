import Capture
import FootfallCore
import FootfallTesting
import Foundation
import MQTT
import Testing

/// `footfall convert mqtt` through the real binary, on recordings made by the real
/// `mosquitto_sub` from a real broker, and on hand-made ones with a bad line.
@Suite(.serialized) struct ConvertMQTTCommandLineTests {
    static let uuid = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
    static let beacon = DeviceID.ibeacon(uuid: uuid, major: 1, minor: 7)
    static let nodes = ["kitchen", "hall"]

    /// What `node` publishes in `format` when it hears the loyalty beacon at `rssi`.
    static func message(_ format: MQTTFormat, node: String, rssi: Int, time: Double) -> MQTTMessage {
        switch format {
        case .espresense:
            let id = "iBeacon:\(uuid)-1-7"
            return MQTTMessage(topic: "espresense/devices/\(id)/\(node)", text: #"{"id":"\#(id)","rssi@1m":-59,"rssi":\#(rssi),"mac":"4a1f22900c3e","distance":3.1}"#)
        case .openmqttgateway:
            let data = "4c000215" + uuid.replacingOccurrences(of: "-", with: "") + "00010007c5"
            return MQTTMessage(topic: "home/\(node)/BTtoMQTT/4A1F22900C3E", text: #"{"id":"4A:1F:22:90:0C:3E","rssi":\#(rssi),"manufacturerdata":"\#(data)"}"#)
        case .footfall:
            return MQTTMessage(topic: "footfall/shop/sensors/\(node)", text: """
                {"sensor":"\(node)","sent_at":\(time),"observations":[{"time":\(time),"device":"ibeacon:\(uuid):1:7","rssi":\(rssi),"tx_power":-59,"radio":"ble"}]}
                """)
        }
    }

    /// Runs `mosquitto_sub` with `arguments` to its end, its output into `file`.
    static func mosquittoSub(_ arguments: [String], into file: URL? = nil) throws {
        let process = try ChildProcess("/usr/bin/mosquitto_sub", arguments, output: file.map { .file($0) } ?? .null)
        guard process.terminationStatus == 0 else { throw MosquittoBroker.BrokerError("mosquitto_sub \(arguments) exited \(process.terminationStatus)") }
    }

    /// Records `messages` as a site engineer would: a persistent `mosquitto_sub` session made
    /// first (so nothing published before it reads is lost), then read back with `-v` or, with
    /// `timed`, `-F '%U %t %p'`.
    static func record(_ messages: [MQTTMessage], timed: Bool, into file: URL) async throws {
        let broker = try await MosquittoBroker.start()
        let session = ["-h", broker.host, "-p", "\(broker.port)", "-i", "site-recorder", "-c", "-q", "1", "-t", "#"]
        try await onAThreadOfItsOwn { try mosquittoSub(session + ["-E"]) }
        var settings = try MQTTSettings(url: broker.url, clientID: "nodes")
        settings.reconnectFirst = .milliseconds(100)
        let nodes = try MQTTClient(settings: settings)
        nodes.start()
        defer { nodes.stop() }
        guard await nodes.connected(within: .seconds(60)) else { throw MosquittoBroker.BrokerError("the nodes did not connect") }
        try await nodes.publish(messages, qos: 1, timeout: .seconds(30))
        let output = timed ? ["-F", "%U %t %p"] : ["-v"]
        try await onAThreadOfItsOwn { try mosquittoSub(session + output + ["-C", "\(messages.count)", "-W", "120"], into: file) }
        try await broker.stop()
    }

    static func trace(_ path: String) throws -> [Observation] {
        let reader = try TraceReader(path: path)
        var observations: [Observation] = []
        while let observation = try reader.read() { observations.append(observation) }
        return observations
    }

    @Test(arguments: MQTTFormat.allCases)
    func aRecordingMadeWithMosquittoSubBecomesATraceOfEachNodeAsItsSensor(format: MQTTFormat) async throws {
        let directory = Fixtures.temporaryDirectory("convert-mqtt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = directory.appendingPathComponent("site.txt")
        // Ten reports from each node, at RSSI -60, -61, … ; the footfall batches a second apart.
        let messages = (0..<10).flatMap { index in
            Self.nodes.map { Self.message(format, node: $0, rssi: -60 - index, time: 1_733_300_000 + Double(index)) }
        }
        // ESPresense recorded with the time each message arrived; the others with -v.
        let timed = format == .espresense
        let before = Date().timeIntervalSince1970
        try await Self.record(messages, timed: timed, into: recording)
        let text = try String(contentsOf: recording, encoding: .utf8)
        #expect(text.split(separator: "\n").count == messages.count, "\(text)")

        let out = directory.appendingPathComponent("trace.csv").path
        let result = try await FootfallProcess.run(["convert", "mqtt", recording.path, "--format", format.rawValue, "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("20 messages; 20 observations of 1 devices by 2 sensors in \(out)"), "\(result.standardOutput)")
        let trace = try Self.trace(out)
        #expect(trace.count == 20)
        #expect(Set(trace.map(\.sensor)) == ["kitchen", "hall"], "each node is the sensor of its own name")
        #expect(trace.allSatisfy { $0.device == Self.beacon && $0.radio == .ble })
        #expect(trace.map(\.time) == trace.map(\.time).sorted(), "a trace is in time order")
        for node in Self.nodes {
            #expect(trace.filter { $0.sensor.rawValue == node }.map(\.rssi) == (0..<10).map { Double(-60 - $0) }, "\(node) in the order it reported")
        }
        switch format {
        case .espresense:
            // The times mosquitto_sub stamped: while the test ran.
            #expect(trace.allSatisfy { $0.time >= before.rounded(.down) && $0.time <= Date().timeIntervalSince1970 + 1 }, "\(trace.map(\.time))")
            #expect(trace.allSatisfy { $0.txPower == -59 })
        case .openmqttgateway:
            // No times in the recording: the lines a tenth of a second apart from 0.
            #expect(zip(trace.map(\.time), (0..<20).map { Double($0) / 10 }).allSatisfy { abs($0 - $1) < 1e-6 }, "\(trace.map(\.time))")
            #expect(trace.allSatisfy { $0.txPower == -59 }, "the measured power from the advertisement")
        case .footfall:
            #expect(Set(trace.map(\.time)) == Set((0..<10).map { 1_733_300_000 + Double($0) }), "the batches' own times")
        }
    }

    static func write(_ lines: [String], to directory: URL) throws -> String {
        let path = directory.appendingPathComponent("recording.txt").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func withAStoreTheMappedNodesAreItsSensorsAndOtherTopicsAreSkipped() async throws {
        let directory = Fixtures.temporaryDirectory("convert-mqtt-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store.yaml").path
        try """
            store:
              id: shop
              outline: [[0, 0], [10, 0], [10, 10], [0, 10]]
            sensors:
              - id: s1
                position: [1, 1, 2.5]
              - id: s2
                position: [9, 9, 2.5]
            sources:
              - type: mqtt
                url: mqtt://127.0.0.1:1883
                format: espresense
                sensors:
                  kitchen: s1
                  hall: s2
            """.write(toFile: store, atomically: true, encoding: .utf8)
        let report = { (node: String, rssi: Int) in
            "espresense/devices/iBeacon:\(Self.uuid)-1-7/\(node) {\"id\":\"iBeacon:\(Self.uuid)-1-7\",\"rssi\":\(rssi),\"rssi@1m\":-59}"
        }
        let recording = try Self.write([
            report("kitchen", -70),
            "espresense/rooms/kitchen/telemetry {\"ip\":\"192.168.1.20\",\"uptime\":100}",
            // A topic without a level (no format's) whose payload has a `/`: skipped, not a time.
            "status {\"url\":\"http://x\"}",
            report("hall", -80),
            "",
            report("kitchen", -71),
        ], to: directory)
        let out = directory.appendingPathComponent("trace.csv").path
        let result = try await FootfallProcess.run(["convert", "mqtt", recording, "--format", "espresense", "--store", store, "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("2 messages on topics espresense does not publish skipped"), "\(result.standardOutput)")
        let trace = try Self.trace(out)
        #expect(trace.map(\.sensor) == ["s1", "s2", "s1"])
        #expect(trace.map(\.rssi) == [-70, -80, -71])
        // The lines a tenth of a second apart, counting the skipped one.
        #expect(trace.count == 3 && zip(trace.map(\.time), [0, 0.3, 0.4]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(trace.map(\.time))")
    }

    /// A real gateway's recording (`mosquitto_sub -v -t 'home/#'`) holds its own state and its
    /// trackers' presence among the advertisements: skipped and counted, not a bad line.
    @Test func aGatewaysStateAndPresenceMessagesAreSkippedAndCounted() async throws {
        let directory = Fixtures.temporaryDirectory("convert-mqtt-omg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try Self.write([
            #"home/OMG_ESP32/BTtoMQTT {"bleconnect":true,"interval":55555,"origin":"BTtoMQTT"}"#,
            #"home/OMG_ESP32/BTtoMQTT/4A1F22900C3E {"id":"4A:1F:22:90:0C:3E","rssi":-70}"#,
            #"home/OMG_ESP32/BTtoMQTT/4A1F22900C3E {"id":"4A:1F:22:90:0C:3E","state":"offline"}"#,
            #"home/OMG_ESP32/BTtoMQTT/4A1F22900C3E {"id":"4A:1F:22:90:0C:3E","rssi":-72}"#,
        ], to: directory)
        let out = directory.appendingPathComponent("trace.csv").path
        let result = try await FootfallProcess.run(["convert", "mqtt", recording, "--format", "openmqttgateway", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("2 messages that report no advertisement (a gateway's state, a tracker's presence) skipped"), "\(result.standardOutput)")
        #expect(try Self.trace(out).map(\.rssi) == [-70, -72])
    }

    /// A bad line in a recording: what the command says, and the field it names.
    struct BadLine: Sendable, CustomTestStringConvertible {
        var line: String
        var error: String
        var testDescription: String { error }
    }

    static let badLines = [
        BadLine(line: "espresense/devices/iBeacon:\(uuid)-1-7/kitchen {\"id\":\"x\",\"rssi\":-300}", error: "recording.txt:3: rssi: -300 is not an RSSI a radio reports"),
        BadLine(line: "espresense/devices/iBeacon:\(uuid)-1-7/kitchen", error: "recording.txt:3: payload: no space and payload after the topic"),
        BadLine(line: "espresense/devices/4a1f22900c3e/kitchen rssi=-70", error: "recording.txt:3: payload: the payload is not JSON"),
        BadLine(line: "espresense/devices/4a1f22900c3e/garage {\"id\":\"4a1f22900c3e\",\"rssi\":-70}", error: "recording.txt:3: topic: node 'garage' is not a sensor of the store"),
        BadLine(line: "1733300000.5.1 espresense/devices/4a1f22900c3e/kitchen {}", error: "recording.txt:3: time: '1733300000.5.1' is not Unix seconds"),
        // A time no recorder writes was taken for a topic and the line skipped unsaid.
        BadLine(line: "1e308 espresense/devices/4a1f22900c3e/kitchen {}", error: "recording.txt:3: time: '1e308' is not Unix seconds"),
        BadLine(line: "-5 espresense/devices/4a1f22900c3e/kitchen {}", error: "recording.txt:3: time: '-5' is not Unix seconds"),
        // A refused time is quoted masked, like every value the command shows.
        BadLine(line: "12:34:56:78:9A:BC espresense/devices/4a1f22900c3e/kitchen {}", error: "recording.txt:3: time: '<address>' is not Unix seconds"),
    ]

    /// A recording saved by an editor starts with a byte-order mark: its first line's time was
    /// not taken for one, and the message was skipped as on another topic (audit).
    @Test func aByteOrderMarkBeforeATimedRecordingIsNoPartOfItsFirstLine() async throws {
        let directory = Fixtures.temporaryDirectory("convert-mqtt-bom")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try Self.write([
            "\u{FEFF}1767603600.5 espresense/devices/c41f22900c3e/kitchen {\"id\":\"c41f22900c3e\",\"rssi\":-60}",
        ], to: directory)
        let out = directory.appendingPathComponent("trace.csv").path
        let result = try await FootfallProcess.run(["convert", "mqtt", recording, "--format", "espresense", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Self.trace(out).map(\.time) == [1_767_603_600.5])
    }

    /// A sensor gateway's batches recorded with `mosquitto_sub -v` (no receipt times) carry their
    /// own times: there is no clock for them to be ahead of (audit: refused as decades ahead).
    @Test func footfallBatchesRecordedWithoutReceiptTimesConvert() async throws {
        let directory = Fixtures.temporaryDirectory("convert-mqtt-footfall")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try Self.write([
            #"footfall/shop/sensors/s1 {"sensor":"s1","stream":"0123456789abcdef","seq":0,"sent_at":1796666556.5,"observations":[{"time":1796666556.1,"device":"ble-rpa:5a:11:22:33:44:55","rssi":-61}]}"#,
        ], to: directory)
        let out = directory.appendingPathComponent("trace.csv").path
        let result = try await FootfallProcess.run(["convert", "mqtt", recording, "--format", "footfall", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Self.trace(out).map(\.time) == [1_796_666_556.1])
    }

    @Test(arguments: badLines)
    func aBadLineStopsTheConversionWithOneLineNamingTheFileTheLineAndTheField(bad: BadLine) async throws {
        let directory = Fixtures.temporaryDirectory("convert-mqtt-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store.yaml").path
        try """
            store:
              id: shop
              outline: [[0, 0], [10, 0], [10, 10], [0, 10]]
            sensors:
              - id: kitchen
                position: [1, 1, 2.5]
            """.write(toFile: store, atomically: true, encoding: .utf8)
        let good = "espresense/devices/iBeacon:\(Self.uuid)-1-7/kitchen {\"id\":\"iBeacon:\(Self.uuid)-1-7\",\"rssi\":-70}"
        let recording = try Self.write([good, good, bad.line, good], to: directory)
        let out = directory.appendingPathComponent("trace.csv").path
        let result = try await FootfallProcess.run(["convert", "mqtt", recording, "--format", "espresense", "--store", store, "--out", out])
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.standardError)")
        #expect(result.standardError.contains(bad.error), "\(result.standardError)")
        #expect(!result.standardError.contains("4a1f22900c3e"), "the topic is shown without the device's address")
        #expect(!FileManager.default.fileExists(atPath: out), "no trace from a recording with a bad line")
    }
}
