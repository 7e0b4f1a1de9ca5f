import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Storage
import Testing

/// The daemon shows what its locator has learnt of the store's radio — each sensor's gain and
/// the building's path-loss exponent — in /api/status and `footfall status`, as `footfall
/// replay` prints it: where the store file leaves the path loss to the default model, that is
/// what an engineer calibrating the store wants to see.
@Suite struct LearntRadioStatusTests {
    @Test func theGainsAndTheExponentLearntAreInTheStatusAndPrintedByFootfallStatus() async throws {
        // The demo store with its `path_loss` lines left out: every sensor's model is a guess.
        let directory = Fixtures.temporaryDirectory("learnt-radio")
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try Fixtures.demoStoreWithoutSources()
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("path_loss") }.joined(separator: "\n")
        let config = directory.appendingPathComponent("store.yaml").path
        let sources = "\nsources:\n  - type: simulate\n    speed: 20\n    shoppers_per_hour: 600\n"
        try (demo + sources + "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\n").write(toFile: config, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let (daemon, client) = try await DaemonSourceTests.start((directory, config, data))
        defer { daemon.kill() }

        // Waits until shoppers have taught a device's worth of evidence.
        func learnt(_ status: [String: Any]) -> Bool {
            let gains = status["sensor_gains"] as? [[String: Any]] ?? []
            let exponent = status["path_loss_exponent_deviation"] as? [String: Any]
            return gains.contains { ($0["devices"] as? Double ?? 0) >= 1 } && (exponent?["devices"] as? Double ?? 0) >= 1
        }
        let status = try await client.status(within: .seconds(240), until: learnt)
        #expect(learnt(status), "nothing learnt: \(status)\n\(daemon.log.suffix(2000))")
        let gains = status["sensor_gains"] as? [[String: Any]] ?? []
        #expect(gains.compactMap { $0["sensor"] as? String } == ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"])
        #expect(gains.allSatisfy { abs($0["gain_db"] as? Double ?? 99) < 6 })
        let deviation = (status["path_loss_exponent_deviation"] as? [String: Any])?["deviation"] as? Double
        #expect(deviation.map { abs($0) < 0.5 } == true, "the simulated sensors lie within ±0.2 of the model's 2.2: \(String(describing: deviation))")

        // And a visit has ended, for the count of short ones.
        let visited = try await client.status(within: .seconds(240)) { ($0["visits_ended"] as? Int ?? 0) >= 1 }
        #expect((visited["visits_ended"] as? Int ?? 0) >= 1, "no visit ended: \(visited)")

        let printed = try await FootfallProcess.run(["status", "--url", "http://127.0.0.1:\(client.port)", "--token", "t"])
        #expect(printed.status == 0, "\(printed.standardError)")
        #expect(printed.standardOutput.contains("visits ended: "), "\(printed.standardOutput)")
        #expect(printed.standardOutput.contains("sensor gains learnt (dB louder than the model): s1 "), "\(printed.standardOutput)")
        #expect(printed.standardOutput.contains("path-loss exponent learnt: "), "\(printed.standardOutput)")

        // Running, it keeps what it learnt in its database every minute of data (three seconds
        // at this speed), not only when it stops: a crash loses a minute of learning at most.
        let databasePath = (data as NSString).appendingPathComponent(GatewayData.databaseName)
        // Each value with a device's worth of evidence at least (what is learnt only grows).
        let keptWhileRunning = await waitUntil(timeout: .seconds(120), every: .milliseconds(200)) {
            let values = (try? GatewayDatabase(path: databasePath).learntRadio().values) ?? []
            return values.count == 9 && values.allSatisfy { $0.devices >= 1 }
        }
        #expect(keptWhileRunning, "nothing kept while running: \(daemon.log.suffix(2000))")
        await daemon.killOnItsOwnThread(SIGTERM)

        // Stopped, it kept what it learnt in its database; restarted, it takes it back before
        // the first shopper of the new run is placed.
        let kept = try GatewayDatabase(path: databasePath).learntRadio()
        #expect(kept.values.count == 9, "eight gains and the exponent: \(kept.values)")
        let keptDevices = Dictionary(uniqueKeysWithValues: kept.values.map { ($0.sensor?.rawValue ?? "", $0.devices) })
        #expect(keptDevices.values.allSatisfy { $0 >= 1 })
        let restarted = try FootfallProcess.start(
            ["run", "--config", config, "--data", data], logFile: directory.appendingPathComponent("restarted.log"))
        defer { restarted.kill() }
        let again = try await DaemonClient(restarted, token: "t")
        // The status carries the learnt radio from the first positions of the new run on.
        let first = try await again.status(within: .seconds(300)) { ($0["sensor_gains"] as? [Any])?.isEmpty == false }
        #expect((first["sensor_gains"] as? [Any])?.count == 8, "\(first)")
        for gain in first["sensor_gains"] as? [[String: Any]] ?? [] {
            let sensor = gain["sensor"] as? String ?? "?"
            #expect((gain["devices"] as? Double ?? 0) >= (keptDevices[sensor] ?? 99) - 0.05, "\(sensor): \(gain) after a restart, \(keptDevices[sensor] ?? 0) kept")
        }
        let exponentAgain = (first["path_loss_exponent_deviation"] as? [String: Any])?["devices"] as? Double ?? 0
        #expect(exponentAgain >= (keptDevices[""] ?? 99) - 0.05)
        #expect(restarted.log.contains("took back what was learnt of the radio"), "\(restarted.log.suffix(2000))")
        await restarted.killOnItsOwnThread(SIGTERM)
    }

    @Test func aStoreWhosePathLossIsStatedLearnsNothingAndSaysSo() async throws {
        let store = try DaemonSourceTests.store(sources: "  - type: simulate\n    speed: 20\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await DaemonSourceTests.start(store)
        defer { daemon.kill() }
        let status = try await client.status(within: .seconds(120)) { ($0["devices_tracked"] as? Int ?? 0) > 0 }
        #expect((status["devices_tracked"] as? Int ?? 0) > 0, "\(daemon.log.suffix(2000))")
        #expect((status["sensor_gains"] as? [Any])?.isEmpty == true)
        #expect(status["path_loss_exponent_deviation"] == nil)
        let printed = try await FootfallProcess.run(["status", "--url", "http://127.0.0.1:\(client.port)", "--token", "t"])
        #expect(printed.status == 0, "\(printed.standardError)")
        #expect(printed.standardOutput.contains("devices tracked"), "\(printed.standardOutput)")
        #expect(!printed.standardOutput.contains("learnt"), "\(printed.standardOutput)")
        await daemon.killOnItsOwnThread(SIGTERM)
    }
}
