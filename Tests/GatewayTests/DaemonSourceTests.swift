import FootfallCore
import FootfallTesting
import Foundation
import Storage
import Testing

/// `footfall run` with each kind of capture source, through the real binary: recorded btsnoop
/// and pcap files, a serial controller (the fake one on a pseudo-terminal), and a BlueZ adapter
/// this machine cannot open — which must leave the daemon up, saying why.
@Suite(.serialized) struct DaemonSourceTests {
    /// A directory with a store file: the demo store's layout and settings with these sources.
    static func store(sources: String, api: String = "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\n") throws -> (directory: URL, config: String, data: String) {
        let directory = Fixtures.temporaryDirectory("sources")
        let demo = try Fixtures.demoStoreWithoutSources()
        let config = directory.appendingPathComponent("store.yaml").path
        try (demo + "\nsources:\n" + sources + "\n" + api).write(toFile: config, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        return (directory, config, data)
    }

    static func start(_ store: (directory: URL, config: String, data: String)) async throws -> (FootfallProcess.Running, DaemonClient) {
        let daemon = try FootfallProcess.start(
            ["run", "--config", store.config, "--data", store.data], logFile: store.directory.appendingPathComponent("daemon.log"))
        do {
            return (daemon, try await DaemonClient(daemon, token: "t"))
        } catch {
            daemon.kill()
            throw error
        }
    }

    /// Observations in a trace written by `footfall convert`.
    static func converted(_ arguments: [String], in directory: URL) throws -> Int {
        let out = directory.appendingPathComponent("converted.csv").path
        let result = try FootfallProcess.runBlocking(arguments + ["--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let reader = try TraceReader(path: out)
        var count = 0
        while try reader.read() != nil { count += 1 }
        return count
    }

    static func observations(_ status: [String: Any], _ sensor: String) -> Int {
        (status["observations_by_sensor"] as? [String: Any])?[sensor] as? Int ?? 0
    }

    static func component(_ status: [String: Any], _ name: String) -> String {
        (status["components"] as? [String: Any])?[name] as? String ?? ""
    }

    /// A recorded capture: its source type, file, the sensor it stands for, and how many
    /// observations `footfall convert` finds in it.
    struct Recording: Sendable, CustomTestStringConvertible {
        var type: String
        var file: String
        var sensor: String
        var extra = ""
        var observations: Int
        var testDescription: String { type }
    }

    static let recordings = [
        Recording(type: "btsnoop", file: "btsnoop/horizon-74-ibeacon.btsnoop", sensor: "s4", extra: "    speed: 0\n", observations: 412),
        Recording(type: "pcap", file: "wifi-probes-fryza/sc6-61_2022-11-24.pcap", sensor: "s2", observations: 2321),
    ]

    @Test func aSinkTakenOutOfTheStoreFileIsNamedWithHowToLetItsEventsGo() async throws {
        let trace = Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop").path
        let events = NSTemporaryDirectory() + "footfall-sink-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: events) }
        let store = try Self.store(
            sources: "  - type: btsnoop\n    path: \(trace)\n    sensor: s4\n    speed: 0\n",
            api: "sinks:\n  - type: jsonl\n    path: \(events)\napi:\n  listen: 127.0.0.1:0\n  tokens: [t]\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        // An earlier configuration delivered to a sink that is gone now.
        let database = try GatewayDatabase(path: store.data + "/gateway.sqlite")
        try await database.registerSink("segment")
        try database.append(
            (0..<3).map { PresenceEvent(id: "old-\($0)", type: .storeTraffic, occurredAt: 1_700_000_000 + Double($0), storeID: "demo-store", gatewayID: "demo-gateway-1") }, appendedAt: Timing.live.now())
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill(SIGTERM) }
        let status = try await client.status(within: .seconds(300)) { Self.component($0, "sink segment") != "" }
        #expect(Self.component(status, "sink segment").contains("not in the store file (footfall outbox remove-sink segment)"), "\(status)")
        #expect(daemon.log.contains("sink 'segment' is in the outbox but not in the store file"), "\(daemon.log)")
    }

    @Test(arguments: recordings) func aRecordedCaptureIsReplayedIntoThePipelineWholly(_ recording: Recording) async throws {
        let capture = Fixtures.dataset(recording.file).path
        let store = try Self.store(sources: "  - type: \(recording.type)\n    path: \(capture)\n    sensor: \(recording.sensor)\n" + recording.extra)
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let expected = try await onAThreadOfItsOwn { try Self.converted(["convert", recording.type, capture, "--sensor", recording.sensor], in: store.directory) }
        #expect(expected == recording.observations)
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill(SIGTERM) }
        let source = "source \(recording.type) \(capture)"
        let status = try await client.status(within: .seconds(300)) {
            Self.component($0, source) == "finished" && Self.observations($0, recording.sensor) >= expected
        }
        #expect(Self.component(status, source) == "finished", "\(daemon.log)")
        #expect(Self.observations(status, recording.sensor) == expected)
        #expect((try await client.get("/healthz")).status == 200, "a finished recording does not end the daemon")
    }

    /// A trace source, like a capture file, shows itself finished once replayed (it had said
    /// "running" for as long as the daemon ran), and the daemon stays up.
    @Test func aTraceSourceShowsItselfFinishedOnceReplayed() async throws {
        let directory = Fixtures.temporaryDirectory("trace-finished")
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "time,sensor,device,rssi\n"
        for i in 0..<120 { text += "\(1_767_603_600 + Double(i) * 0.5),s\(1 + i % 3),ble:aa:bb:cc:dd:ee:01,-6\(i % 10)\n" }
        // Ten rows whose sensor and device columns are swapped: an address in the sensor column
        // must not become a label of /metrics or a key of the status.
        for i in 0..<10 { text += "\(1_767_603_660 + Double(i) * 0.5),de:ad:be:ef:00:b1,s1,-60\n" }
        let trace = directory.appendingPathComponent("t.csv").path
        try text.write(toFile: trace, atomically: true, encoding: .utf8)
        let store = try Self.store(sources: "  - type: trace\n    path: \(trace)\n    speed: 0\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill(SIGTERM) }
        let source = "source trace \(trace)"
        let status = try await client.status(within: .seconds(300)) { status in
            Self.component(status, source) == "finished" && (1...3).map { Self.observations(status, "s\($0)") }.reduce(0, +) >= 120
                && Self.observations(status, "(not in the store)") >= 10
        }
        #expect(Self.component(status, source) == "finished", "\(status) \(daemon.log)")
        #expect((1...3).map { Self.observations(status, "s\($0)") } == [40, 40, 40], "\(status)")
        #expect((try await client.get("/healthz")).status == 200, "a finished trace does not end the daemon")
        // Counts that have not moved are shown at 0, for rates and alerts to have a series.
        let metrics = try await client.get("/metrics").body
        #expect(metrics.contains("footfall_source_errors_total{source=\"trace \(trace)\"} 0\n"), "\(metrics)")
        #expect(Self.observations(status, "(not in the store)") == 10, "\(status)")
        #expect(metrics.contains("footfall_observations_total{sensor=\"(not in the store)\"} 10"), "\(metrics)")
        #expect(!metrics.contains("de:ad:be:ef") && !"\(status)".contains("de:ad:be:ef"))
        #expect(!daemon.log.contains("de:ad:be:ef") && daemon.log.contains("a sensor the store file does not name"), "\(daemon.log)")
        for type in PresenceEvent.Kind.allCases {
            #expect(metrics.contains("footfall_events_total{type=\"\(type.rawValue)\"} "), "\(type.rawValue) in \(metrics)")
        }
    }

    @Test func aLoopedCaptureCarriesOnInTime() async throws {
        let capture = Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop").path
        let store = try Self.store(sources: "  - type: btsnoop\n    path: \(capture)\n    sensor: s4\n    speed: 0\n    loop: true\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill(SIGTERM) }
        let status = try await client.status(within: .seconds(300)) { Self.observations($0, "s4") >= 3 * 412 }
        #expect(Self.observations(status, "s4") >= 3 * 412, "\(daemon.log)")
        #expect(Self.component(status, "source btsnoop \(capture)") == "running")
        // Later passes are later in time: the pipeline's last input is past the recording's end.
        let last = try #require(status["last_input_at"] as? Double)
        #expect(last > 1_612_150_092.7 + 13, "last input at \(last): the recording spans 13 s")
    }

    @Test func aSerialControllerIsScannedLive() async throws {
        let fake = try FakeHCIController()
        defer { fake.stop() }
        let store = try Self.store(sources: "  - type: h4\n    device: \(fake.devicePath)\n    sensor: s5\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill(SIGTERM) }
        let status = try await client.status(within: .seconds(300)) { Self.observations($0, "s5") >= 50 }
        #expect(Self.observations(status, "s5") >= 50, "\(daemon.log)")
        #expect(Self.component(status, "source h4 \(fake.devicePath)") == "running")
        #expect(fake.commands.map(\.opcode).contains(.leSetScanEnable))
        // The fake's advertisers are heard and positioned by the one sensor.
        var listed: [Any] = []
        _ = await waitUntil(timeout: .seconds(300), every: .milliseconds(200)) {
            listed = (try? JSONSerialization.jsonObject(with: Data(try await client.get("/api/devices").body.utf8)) as? [Any]) ?? []
            return !listed.isEmpty
        }
        #expect(!listed.isEmpty, "\(daemon.log)")
    }

    @Test func anAdapterThatCannotBeOpenedLeavesTheDaemonUpAndSaysWhy() async throws {
        let store = try Self.store(sources: "  - type: hci\n    adapter: hci0\n    sensor: s1\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await Self.start(store)
        defer { daemon.kill(SIGTERM) }
        let status = try await client.status(within: .seconds(300)) { Self.component($0, "source hci hci0") != "" }
        let state = Self.component(status, "source hci hci0")
        // This kernel has no AF_BLUETOOTH; a machine with an adapter would be scanning.
        #expect(state == "running" || state.hasPrefix("failing: "), "\(state)")
        if state.hasPrefix("failing: ") {
            #expect(state.contains("hci0") && state.contains("retrying in"), "\(state)")
            #expect(!state.contains("\n"))
            let metrics = try await client.get("/metrics")
            #expect(metrics.body.contains(#"footfall_source_errors_total{source="hci hci0"}"#), "\(metrics.body)")
        }
        #expect((try await client.get("/healthz")).status == 200)
        #expect(daemon.isRunning)
    }

    @Test func aBadSourceIsRefusedAtStartWithFileLineAndField() async throws {
        let cases: [(String, String)] = [
            ("  - type: hci\n    sensor: s99\n", "sources[hci].sensor: 's99' is not a sensor of the store"),
            ("  - type: h4\n    sensor: s1\n", "sources[h4].device: is missing"),
            ("  - type: h4\n    sensor: s1\n    device: /dev/ttyUSB0@12345\n", "sources[h4].device"),
            ("  - type: pcap\n    sensor: s1\n    path: /tmp/a.pcap\n    interface: wlan0mon\n", "not both"),
            ("  - type: hci\n    sensor: s1\n    speed: 2\n", "sources[hci].speed: unknown option"),
            ("  - type: simulate\n    speed: 0.5\n", "sources[simulate].speed: must be from 1"),
            ("  - type: simulate\n  - type: btsnoop\n    sensor: s1\n    path: \(Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop").path)\n",
             "replays recordings or listens live"),
            // A filter the broker would not subscribe to: the source would run and hear nothing.
            ("  - type: mqtt\n    url: mqtt://127.0.0.1:1\n    format: espresense\n    topic: espresense/devices/x+/+\n",
             "sources[mqtt].topic: 'espresense/devices/x+/+' has + inside a level"),
        ]
        for (sources, message) in cases {
            let store = try Self.store(sources: sources)
            defer { try? FileManager.default.removeItem(at: store.directory) }
            let result = try await FootfallProcess.run(["run", "--config", store.config, "--data", store.data])
            #expect(result.status != 0)
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.contains { $0.contains(store.config) && $0.contains(message) }, "\(sources): \(result.standardError)")
        }
    }

    @Test func anAddressAlreadyInUseIsNamedWithWhatToDo() async throws {
        // Another process's listener, as a plain socket (not on the tests' shared event loops).
        let occupant = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(occupant) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(occupant, $0, length) == 0 && listen(occupant, 1) == 0 && getsockname(occupant, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let store = try Self.store(sources: "  - type: simulate\n", api: "api:\n  listen: 127.0.0.1:\(port)\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let result = try await FootfallProcess.run(["run", "--config", store.config, "--data", store.data])
        #expect(result.status != 0)
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("127.0.0.1:\(port) is already in use") == true, "\(result.standardError)")
        #expect(errors.first?.contains("api.listen") == true)
    }

    @Test func aPortOutOfRangeIsRefused() async throws {
        let store = try Self.store(sources: "  - type: simulate\n", api: "api:\n  listen: 127.0.0.1:99999\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let result = try await FootfallProcess.run(["run", "--config", store.config, "--data", store.data])
        #expect(result.status != 0)
        #expect(result.standardError.contains("api.listen") && result.standardError.contains("0 to 65535"), "\(result.standardError)")
        let valid = try Self.store(sources: "  - type: simulate\n")
        defer { try? FileManager.default.removeItem(at: valid.directory) }
        let flag = try await FootfallProcess.run(["run", "--config", valid.config, "--data", valid.data, "--listen", "127.0.0.1:70000"])
        #expect(flag.status != 0)
        #expect(flag.standardError.contains("--listen"))
    }
}
