import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// Two real daemons of one store: a sensor gateway (the simulator standing in for its radios)
/// pushing observations to the locating gateway, which positions the devices.
@Suite(.serialized) struct MultiGatewayTests {
    @Test func aSensorGatewayFeedingTheLocatingGatewayProducesPositions() async throws {
        let sensors = try StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout.sensors.map(\.id.rawValue)
        let tokens = sensors.map { "    \($0): token-\($0)" }.joined(separator: "\n")
        let locating = try DaemonSourceTests.store(
            sources: "  []",
            api: "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\n  sensor_tokens:\n\(tokens)\n")
        defer { try? FileManager.default.removeItem(at: locating.directory) }
        let (locatingDaemon, locatingClient) = try await DaemonSourceTests.start(locating)
        defer { locatingDaemon.kill(SIGTERM) }

        let sensor = try DaemonSourceTests.store(
            sources: "  - type: simulate\n    hours: 0.1\n    shoppers_per_hour: 3000\n    seed: 5\n",
            api: "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\nupstream:\n  url: http://127.0.0.1:\(locatingClient.port)\n  tokens:\n\(tokens)\n")
        defer { try? FileManager.default.removeItem(at: sensor.directory) }
        let (sensorDaemon, sensorClient) = try await DaemonSourceTests.start(sensor)
        defer { sensorDaemon.kill(SIGTERM) }

        // Devices appear on the locating gateway, positioned inside the store.
        var positioned: [[String: Any]] = []
        _ = await waitUntil(timeout: .seconds(300), every: .milliseconds(500)) {
            let devices = (try? JSONSerialization.jsonObject(with: Data(try await locatingClient.get("/api/devices").body.utf8)) as? [[String: Any]]) ?? []
            positioned = devices.filter { $0["x"] is Double && $0["y"] is Double }
            return !positioned.isEmpty
        }
        #expect(!positioned.isEmpty, "locating gateway:\n\(locatingDaemon.log)\nsensor gateway:\n\(sensorDaemon.log)")
        // The pipeline publishes its observation counts once a round (a second), and a device
        // can be placed from its first reading before that: wait for the counts.
        let status = try await locatingClient.status(within: .seconds(300)) { ($0["observations_by_sensor"] as? [String: Int] ?? [:]).count >= 3 }
        let bySensor = status["observations_by_sensor"] as? [String: Int] ?? [:]
        #expect(bySensor.count >= 3, "several sensors heard through the uplink: \(bySensor)")
        #expect(bySensor.keys.allSatisfy(sensors.contains))

        // An uplink request a loaded run kept past its timeout shows "failing" until the next one
        // succeeds: wait for that, not the first answer.
        let upstream = (try await sensorClient.status(within: .seconds(300)) { status in
            ((status["components"] as? [String: String])?["upstream"]).map { $0.contains(" sent, ") && !$0.contains("failing") } ?? false
        })["components"] as? [String: String]
        #expect(upstream?["upstream"]?.contains(" sent, ") == true, "\(upstream ?? [:])")
        #expect(upstream?["upstream"]?.contains("failing") == false, "\(upstream ?? [:])")
        #expect(try await sensorClient.get("/metrics").body.contains("footfall_uplink_sent_total"))
        // The sensor gateway's map says where the store's is: it places no device itself.
        let sensorLayout = try await sensorClient.get("/api/layout").json
        #expect(sensorLayout?["located_by"] as? String == "http://127.0.0.1:\(locatingClient.port)", "\(sensorLayout ?? [:])")
        #expect(try await locatingClient.get("/api/layout").json?["located_by"] == nil)

        // Stopping the sensor gateway sends what it still holds.
        await sensorDaemon.killOnItsOwnThread(SIGTERM)
        #expect(sensorDaemon.process.terminationStatus == 0, "\(sensorDaemon.log)")
        #expect(sensorDaemon.log.contains("uplink stopped"))
    }
}
