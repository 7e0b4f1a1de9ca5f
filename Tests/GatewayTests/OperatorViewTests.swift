import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// What an operator sees of the real `footfall run`: /metrics as Prometheus's own checker reads
/// it, devices on the street in /api/devices, and `footfall status` without the right token.
/// One daemon at a time: three replaying at ten times speed at once starved the timing tests of
/// a loaded full run.
@Suite(.serialized, .timeLimit(.minutes(10))) struct OperatorViewTests {
    /// The daemon replaying a simulated trace, looped at ten times its speed (or once, as fast
    /// as it can: `speed` 0), delivering to a local receiver, for the time of `body`.
    static func withDaemon(
        speed: Double = 10, _ body: (FootfallProcess.Running, DaemonClient, HTTPReceiver, DaemonTests.Setup) async throws -> Void
    ) async throws {
        let receiver = try await HTTPReceiver.start()
        // Seconds of simulation, kept off the test run's few cooperative threads.
        let setup = try await onAThreadOfItsOwn { try DaemonTests.setup(receiver: receiver, speed: speed, loop: speed > 0) }
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let daemon = try FootfallProcess.start(
            ["run", "--config", setup.config, "--data", setup.data], logFile: setup.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        let client = try await DaemonClient(daemon, token: "map-token")
        try await body(daemon, client, receiver, setup)
        await daemon.killOnItsOwnThread(SIGTERM)
        try await receiver.stop()
    }

    /// promtool from Debian's `prometheus` package, which `make test` installs.
    static func promtool() throws -> String {
        let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        return try #require(path, "promtool is not installed: `make test` installs it (Debian package prometheus)")
    }

    static func run(_ executable: String, _ arguments: [String], input: String) throws -> (status: Int32, output: String) {
        let folder = Fixtures.temporaryDirectory("promtool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputFile = folder.appendingPathComponent("input"), outputFile = folder.appendingPathComponent("output")
        try Data(input.utf8).write(to: inputFile)
        let child = try ChildProcess(executable, arguments, input: .file(inputFile), output: .file(outputFile), errors: .standardOutput)
        return (child.terminationStatus, String(decoding: (try? Data(contentsOf: outputFile)) ?? Data(), as: UTF8.self))
    }

    @Test func promtoolFindsNothingToReportInTheLiveMetricsOfAHealthyGateway() async throws {
        let promtool = try Self.promtool()
        try await Self.withDaemon(speed: 0) { daemon, client, receiver, _ in
            // Delivering: every outbox metric, the latency histogram among them, has a value.
            #expect(await receiver.wait { DaemonTests.receivedIDs($0).count >= 10 }, "\(daemon.log)")
            let metrics = try await client.get("/metrics").body
            let check = try await onAThreadOfItsOwn { try Self.run(promtool, ["check", "metrics"], input: metrics) }
            #expect(check.status == 0 && check.output.isEmpty, "promtool check metrics:\n\(check.output)")
            // Healthy storage reads 1, as docs/delivery.md defines it.
            #expect(metrics.contains("footfall_outbox_healthy{component=\"outbox\"} 1"), "\(metrics)")
            #expect(metrics.contains("footfall_outbox_delivery_latency_seconds_bucket{"), "the latency histogram carries its unit")
            for name in ["process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ", "process_start_time_seconds ", "footfall_build_info{"] {
                #expect(metrics.contains("\n" + name), "\(name) in /metrics")
            }
            let start = metrics.split(separator: "\n").first { $0.hasPrefix("process_start_time_seconds ") }.flatMap { Double($0.split(separator: " ")[1]) }
            #expect(abs((start ?? 0) - Date().timeIntervalSince1970) < 600, "the daemon started minutes ago, not \(start ?? 0)")
        }
    }

    @Test func devicesOnTheStreetHaveNoZoneInTheAPI() async throws {
        try await Self.withDaemon { daemon, client, _, _ in
            // Passers-by walk the storefront all the time: wait until several were placed outside.
            var outside: [String: [String: Any]] = [:]
            var inside = 0
            _ = try await waitUntil(timeout: .seconds(300), every: .milliseconds(200)) {
                let devices = try JSONSerialization.jsonObject(with: Data(try await client.get("/api/devices").body.utf8)) as? [[String: Any]] ?? []
                for device in devices {
                    if device["inside"] as? Bool == false { outside[device["id"] as? String ?? "?"] = device } else { inside += 1 }
                }
                return outside.count >= 5
            }
            #expect(outside.count >= 5, "devices seen outside: \(outside.count)\n\(daemon.log.suffix(2000))")
            #expect(inside > 0)
            let zoned = outside.values.filter { $0["zone"] is String }
            #expect(zoned.isEmpty, "\(zoned.count) of \(outside.count) devices outside the store have a zone: \(zoned.prefix(3))")
            // The occupancy counts the street apart from the store.
            let occupancy = try #require(try await client.get("/api/occupancy").json)
            let placed = try #require(occupancy["devices"] as? Int), placedInside = try #require(occupancy["inside"] as? Int)
            #expect(placedInside <= placed)
        }
    }

    @Test func statusSaysWhetherATokenWasMissingOrRefused() async throws {
        try await Self.withDaemon { daemon, client, _, setup in
            let url = "http://127.0.0.1:\(client.port)"
            let none = try await FootfallProcess.run(["status", "--url", url])
            #expect(none.status != 0)
            #expect(none.standardError.contains("wants a token and none was given"), "\(none.standardError)")
            let wrong = try await FootfallProcess.run(["status", "--url", url, "--token", "not-the-token"])
            #expect(wrong.status != 0)
            #expect(wrong.standardError.contains("refused the token (--token)"), "\(wrong.standardError)")
            let wrongInEnvironment = try await FootfallProcess.run(["status", "--url", url], environment: ["FOOTFALL_TOKEN": "not-the-token"])
            #expect(wrongInEnvironment.standardError.contains("refused the token (FOOTFALL_TOKEN)"), "\(wrongInEnvironment.standardError)")
            let right = try await FootfallProcess.run(["status", "--url", url, "--token", "map-token"])
            #expect(right.status == 0, "\(right.standardError)")
            // And the daemon said at start where the unidentified shoppers' events went.
            #expect(daemon.log.contains("only identified shoppers' visit events are delivered"), "\(daemon.log.prefix(2000))")
        }
    }
}
