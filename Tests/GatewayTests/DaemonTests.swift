import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Storage
import Testing

/// The real `footfall run` binary: a daemon replaying a simulated trace into a local HTTP
/// receiver, and stopped with SIGTERM under load.
@Suite(.serialized) struct DaemonTests {
    struct Setup {
        var directory: URL
        var trace: String
        var config: String
        var data: String
    }

    /// A small simulated trace, a store file delivering CloudEvents to `receiver`, and a data
    /// directory with a known key (so a replay can make the same pseudonyms).
    static func setup(receiver: HTTPReceiver, speed: Double, loop: Bool = false, minutes: Double = 6) throws -> Setup {
        var settings = StoreSimulatorSettings.make(minutes: minutes, shoppers: 150, seed: 17)
        settings.loyaltyShare = 0.6
        let files = try StoreSimulatorSettings.write(settings, layout: try StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout)
        // The demo store's layout and settings, without its own sources and sinks.
        let demo = try Fixtures.demoStoreWithoutSources()
        let config = files.directory.appendingPathComponent("store.yaml").path
        try (demo + """

            sources:
              - type: trace
                path: \(files.trace)
                speed: \(speed)
                loop: \(loop)
            sinks:
              - type: cloudevents
                url: \(receiver.url)/events
                # No resend of a batch whose answer a loaded test run kept past the default 10 s:
                # the tests count each event once.
                timeout_ms: 300000
            api:
              listen: 127.0.0.1:0
              tokens: [map-token]
            """).write(toFile: config, atomically: true, encoding: .utf8)
        let data = files.directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: data + "/" + GatewayData.keyName, contents: Data(repeating: 42, count: 32), attributes: [.posixPermissions: 0o600])
        return Setup(directory: files.directory, trace: files.trace, config: config, data: data)
    }

    /// Event ids the receiver got, in arrival order (CloudEvents batches).
    static func receivedIDs(_ receiver: HTTPReceiver) -> [String] { receivedIDs(receiver.requests) }

    static func receivedIDs(_ requests: [HTTPReceiver.Request]) -> [String] {
        requests.flatMap { request -> [String] in
            guard let batch = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [[String: Any]] else { return [] }
            return batch.compactMap { $0["id"] as? String }
        }
    }

    @Test func theDaemonDeliversTheSameEventsAsAReplayOfTheTrace() async throws {
        let receiver = try await HTTPReceiver.start()
        let setup = try await onAThreadOfItsOwn { try Self.setup(receiver: receiver, speed: 0) }
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        // What `footfall replay` decides on the same trace with the same key.
        let replayData = setup.directory.appendingPathComponent("replay-data")
        try FileManager.default.createDirectory(at: replayData, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: setup.data + "/" + GatewayData.keyName, toPath: replayData.path + "/" + GatewayData.keyName)
        let events = setup.directory.appendingPathComponent("replay.jsonl").path
        let analytics = setup.directory.appendingPathComponent("analytics.json").path
        let replay = try await FootfallProcess.run(
            ["replay", setup.trace, "--store", setup.config, "--data", replayData.path, "--events", events, "--analytics", analytics])
        #expect(replay.status == 0, "\(replay.standardError)")
        let expected = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String
        }
        #expect(expected.count > 50)

        let daemon = try FootfallProcess.start(["run", "--config", setup.config, "--data", setup.data], logFile: setup.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        let complete = await receiver.wait { Self.receivedIDs($0).count >= expected.count }
        #expect(complete, "received \(Self.receivedIDs(receiver).count) of \(expected.count)\n\(daemon.log)")
        #expect(Self.receivedIDs(receiver) == expected, "the same events, in the same order")
        // The forwarder's metrics are on /metrics beside the daemon's own.
        let metrics = try await DaemonClient(daemon, token: nil).get("/metrics").body
        for name in ["footfall_outbox_delivered_total", "footfall_outbox_pending", "footfall_outbox_delivery_latency_seconds_bucket", "footfall_events_total", "footfall_observations_total"] {
            #expect(metrics.contains(name), "\(name) in\n\(metrics)")
        }
        try await Self.checkAnalyticsAPI(DaemonClient(daemon, token: "map-token"), equal: analytics)
        await daemon.killOnItsOwnThread(SIGTERM)
        try await receiver.stop()
    }

    /// `GET /api/analytics` of the daemon gives the counts `footfall replay --analytics` gave for
    /// the same trace (checked against the simulator's truth in ReplayTests), bucket by bucket;
    /// the daemon may not yet have counted the passers-by of the traffic interval in progress.
    static func checkAnalyticsAPI(_ client: DaemonClient, equal replayPath: String) async throws {
        let replay = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: replayPath))) as? [String: Any])
        let replayBuckets = try #require(replay["buckets"] as? [[String: Any]])
        let from = try #require(replayBuckets.first?["start"] as? String), to = try #require(replay["to"] as? String)
        let replayTotals = try #require(replay["totals"] as? [String: Any])
        let path = "/api/analytics?from=\(from)&to=\(to)&bucket=hour"
        // The counts are written with the events they come from; those of counted-only devices
        // may follow the last delivered event by a batch.
        var answer = try await client.get(path)
        _ = try await waitUntil(timeout: .seconds(60), every: .milliseconds(200)) {
            answer = try await client.get(path)
            return ((answer.json?["totals"] as? [String: Any])?["visitors"] as? Int) == replayTotals["visitors"] as? Int
        }
        #expect(answer.status == 200, "\(answer.body)")
        let api = try #require(answer.json)
        let apiBuckets = try #require(api["buckets"] as? [[String: Any]])
        #expect(apiBuckets.count == replayBuckets.count)
        #expect(((replayTotals["visitors"] as? Int) ?? 0) > 10)
        for (a, r) in zip(apiBuckets, replayBuckets) {
            for key in ["start", "visitors", "engaged_visitors", "visit_seconds"] {
                #expect(String(describing: a[key]!) == String(describing: r[key]!), "\(key) of \(r["start"]!)")
            }
            #expect(a["dwell_histogram"] as? [Int] == r["dwell_histogram"] as? [Int])
            #expect(NSDictionary(dictionary: a["zones"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: r["zones"] as? [String: Any] ?? [:]))
            #expect(NSDictionary(dictionary: a["identified"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: r["identified"] as? [String: Any] ?? [:]))
            #expect((a["passers_by"] as? Int ?? 0) <= (r["passers_by"] as? Int ?? 0))
        }
        // A bad parameter is a 400 naming it; no token, a 401.
        let bad = try await client.get("/api/analytics?bucket=week")
        #expect(bad.status == 400 && bad.json?["parameter"] as? String == "bucket", "\(bad.body)")
        let refused = try await DaemonClient(port: client.port, token: nil).get(path)
        #expect(refused.status == 401)
    }

    @Test func sigtermUnderLoadLosesNothing() async throws {
        let receiver = try await HTTPReceiver.start()
        let setup = try await onAThreadOfItsOwn { try Self.setup(receiver: receiver, speed: 30, loop: true) }
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let daemon = try FootfallProcess.start(["run", "--config", setup.config, "--data", setup.data], logFile: setup.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        #expect(await receiver.wait { Self.receivedIDs($0).count >= 30 }, "\(daemon.log)")
        await daemon.killOnItsOwnThread(SIGTERM)
        _ = await waitUntil(timeout: .seconds(30), every: .milliseconds(100)) { !daemon.isRunning }
        #expect(!daemon.isRunning, "the daemon stops within 30 s of SIGTERM")
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log)")
        // Every event stored is either delivered or still queued, and a restart of delivery
        // sends the rest: the receiver ends with every stored event, duplicates sharing ids.
        let database = try GatewayDatabase(path: setup.data + "/" + GatewayData.databaseName)
        let stored = try Int(database.lastSequence())
        #expect(stored >= Set(Self.receivedIDs(receiver)).count)
        let deliver = try await FootfallProcess.run(["outbox", "deliver", "--data", setup.data, "--store", setup.config])
        #expect(deliver.status == 0, "\(deliver.standardError)")
        #expect(Set(Self.receivedIDs(receiver)).count == stored)
        try await receiver.stop()
    }
}
