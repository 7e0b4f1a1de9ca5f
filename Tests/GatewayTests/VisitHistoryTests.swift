import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Presence
import Storage
import Testing

/// The visit history on a real SQLite file: frequency, retention and erasure.
@Suite struct VisitHistoryTests {
    let day = 86_400.0

    @Test func visitsRecordedOnDiskGiveTheFrequencyAfterReopening() throws {
        let directory = Fixtures.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = 1_800_000_000.0
        do {
            let data = try GatewayData(directory: directory.path)
            for daysAgo in [1.0, 2, 3, 4] {
                try data.visitHistory.record(VisitRecord(identity: "id-x", start: now - daysAgo * day, end: now - daysAgo * day + 300))
            }
            // Recording the same visit again (a replay, a restart) changes nothing.
            try data.visitHistory.record(VisitRecord(identity: "id-x", start: now - day, end: now - day + 300))
        }
        let reopened = try GatewayData(directory: directory.path)
        let previous = try reopened.visitHistory.visits(of: "id-x", since: now - 30 * day)
        #expect(previous.count == 4)
        let frequency = VisitFrequency.compute(previous: previous, at: now)
        #expect(frequency.visitNumber == 5)
        #expect(frequency.loyaltyClass == .daily)
        // The key survives too, so pseudonyms stay the same across restarts.
        #expect(try GatewayData(directory: directory.path).key == reopened.key)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(GatewayData.keyName).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func theVisitsCommandErasesADevicesHistoryFromTheGatewaysDatabase() async throws {
        let directory = Fixtures.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: directory) }
        let device = DeviceID.ibeacon(uuid: "f7826da6-4fa2-4e98-8024-bc5b71e0893e", major: 1, minor: 9)
        do {
            let data = try GatewayData(directory: directory.path)
            let identity = Pseudonymizer(key: data.key).identityKey(for: device)
            try data.visitHistory.record(VisitRecord(identity: identity, start: 1000, end: 1600))
            try data.visitHistory.record(VisitRecord(identity: identity, start: 90_000, end: 90_600))
        }
        let shown = try await FootfallProcess.run(["visits", "show", "--data", directory.path, "--device", device.rawValue])
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("2 visits on record"))
        let erased = try await FootfallProcess.run(["visits", "erase", "--data", directory.path, "--device", device.rawValue])
        #expect(erased.status == 0, "\(erased.standardError)")
        #expect(erased.standardOutput.contains("erased 2 visits"))
        let data = try GatewayData(directory: directory.path)
        #expect(try data.database.visitCount() == 0)
    }

    @Test func aReplayWithADataDirectoryCountsReturningShoppers() async throws {
        // Two replays of the same simulated hour into one data directory, a day apart: every
        // identified shopper's second store.entered says visit 2.
        let files = try await onAThreadOfItsOwn { try ReplayFixture.simulated(seed: 12, minutes: 12) }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let data = try GatewayData(directory: files.directory.appendingPathComponent("data").path)
        var options = Replay.Options(tracePath: files.trace, configuration: ReplayFixture.configuration)
        options.gatewayData = data
        options.eventsPath = files.directory.appendingPathComponent("first.jsonl").path
        _ = try await onAThreadOfItsOwn { try Replay.run(options) }
        let shifted = files.directory.appendingPathComponent("next-day.csv").path
        try await onAThreadOfItsOwn {
            let observations = try TraceReader(path: files.trace).readAll().map { o -> Observation in
                var o = o
                o.time += 86_400
                return o
            }
            try TraceWriter.text(observations).write(toFile: shifted, atomically: true, encoding: .utf8)
        }
        options.tracePath = shifted
        options.eventsPath = files.directory.appendingPathComponent("second.jsonl").path
        _ = try await onAThreadOfItsOwn { try Replay.run(options) }
        func entered(_ path: String) throws -> [[String: Any]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["type"] as? String == "store.entered" }
        }
        let first = try entered(options.eventsPath!.replacingOccurrences(of: "second", with: "first"))
        let second = try entered(options.eventsPath!)
        #expect(!first.isEmpty)
        #expect(first.allSatisfy { ($0["visit_number"] as? Int) ?? 0 >= 1 })
        let returning = second.filter { ($0["visit_number"] as? Int ?? 0) >= 2 }
        #expect(returning.count >= first.count * 3 / 4, "most identified shoppers are recognised the next day")
        #expect(returning.allSatisfy { abs(($0["days_since_last_visit"] as? Double ?? 0) - 1) < 0.1 })
    }
}

/// A simulated demo store written to files.
enum ReplayFixture {
    static let configuration = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path)

    static func simulated(seed: UInt64, minutes: Double, shoppers: Double = 120) throws -> (directory: URL, trace: String, truth: String) {
        var settings = StoreSimulatorSettings.make(minutes: minutes, shoppers: shoppers, seed: seed)
        settings.staff = 0
        return try StoreSimulatorSettings.write(settings, layout: configuration.layout)
    }
}
