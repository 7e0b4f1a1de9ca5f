import Calibration
import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Testing

@Suite struct ReplayTests {
    static let configuration = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path)

    /// A 20-minute simulated demo store written to files, as `footfall simulate` would.
    static func simulatedFiles(seed: UInt64 = 21) throws -> (directory: URL, trace: String, truth: String) {
        let run = SimulatorTests.simulate(seed: seed, minutes: 20, shoppers: 90)
        let directory = Fixtures.temporaryDirectory("replay")
        let trace = directory.appendingPathComponent("trace.csv").path
        let truth = directory.appendingPathComponent("trace.truth.csv").path
        try run.trace.write(toFile: trace, atomically: true, encoding: .utf8)
        try run.truth.write(toFile: truth, atomically: true, encoding: .utf8)
        return (directory, trace, truth)
    }

    @Test func replayingTheSameTraceTwiceGivesByteIdenticalEventsAndPositions() async throws {
        let files = try await onAThreadOfItsOwn { try Self.simulatedFiles() }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var outputs: [(String, String)] = []
        for run in 0..<2 {
            var options = Replay.Options(tracePath: files.trace, configuration: Self.configuration)
            options.eventsPath = files.directory.appendingPathComponent("events-\(run).jsonl").path
            options.positionsPath = files.directory.appendingPathComponent("positions-\(run).csv").path
            _ = try await onAThreadOfItsOwn { try Replay.run(options) }
            outputs.append((try String(contentsOfFile: options.eventsPath!, encoding: .utf8), try String(contentsOfFile: options.positionsPath!, encoding: .utf8)))
        }
        #expect(!outputs[0].0.isEmpty)
        #expect(outputs[0].0 == outputs[1].0)
        #expect(outputs[0].1 == outputs[1].1)
        // Every event line is one JSON object with a unique id and an RFC 3339 millisecond time.
        let lines = outputs[0].0.split(separator: "\n")
        var ids = Set<String>()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["id"] as? String)
            #expect(ids.insert(id).inserted, "duplicate id \(id)")
            let time = try #require(object["occurred_at"] as? String)
            #expect(time.count == 24 && time.hasSuffix("Z"))
            #expect(object["store_id"] as? String == "demo-store")
            let anonymous = object["anonymous_id"] as? String
            #expect(anonymous == nil || !(anonymous!.contains(":")), "no raw address leaves the gateway")
        }
    }

    @Test func aSimulatedStoresReportCountsItsVisitsAndScoresPositions() async throws {
        let files = try await onAThreadOfItsOwn { try Self.simulatedFiles(seed: 4) }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var configuration = Self.configuration
        configuration.identity.anonymousEvents = true
        var options = Replay.Options(tracePath: files.trace, configuration: configuration)
        options.truth = try await onAThreadOfItsOwn { try SurveyCodec.readTruth(path: files.truth) }
        let result = try await onAThreadOfItsOwn { try Replay.run(options) }
        let report = try #require(result.report)
        #expect(result.observations > 50_000)
        #expect(result.ignoredObservations == 0)
        #expect(report.positionError.count > 5_000)
        // The first locate stage: the positioning work brings these down; here they bound
        // gross mistakes (a swapped axis or a broken clock would put errors over 10 m).
        #expect(try #require(report.positionError.median) < 6)
        #expect(try #require(report.zoneAccuracy) > 0.5)
        #expect(report.visits.true >= 15)
        // Gross mistakes only: how many long visits are missed is VisitTargetsTests' to measure
        // (3 of 446 on an hour of the demo store), not one 20-minute seed's.
        #expect(report.visits.missed <= report.visits.true / 5, "\(report.visits.missed) of \(report.visits.true) visits missed")
        #expect(report.entryDelay.count == report.visits.true - report.visits.missed)
        // Entries are decided about enter_after past the first inside estimate, exits exit_after
        // past the last one; position error moves both by seconds, not minutes.
        #expect(try #require(report.entryDelay.median) < 60)
        let exitDelay = try #require(report.exitDelay.median)
        #expect(exitDelay > 60 && exitDelay < 240)
        #expect(result.eventCounts[.storeEntered] == report.visits.detected)
        #expect((result.eventCounts[.storeExited] ?? 0) == (result.eventCounts[.storeEntered] ?? 0), "every visit ends by the end of the replay")
        #expect((result.eventCounts[.zoneExited] ?? 0) == (result.eventCounts[.zoneEntered] ?? 0))
        // The JSON form carries the fields the issue names.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReplaySummary.json(result, elapsed: 1).utf8)) as? [String: Any])
        let position = try #require(json["position_error_m"] as? [String: Any])
        for key in ["median", "p90", "p95", "count"] { #expect(position[key] != nil) }
        #expect(json["zone_accuracy"] != nil)
        let visits = try #require(json["visits"] as? [String: Any])
        for key in ["true", "detected", "missed", "false"] { #expect(visits[key] != nil) }
    }

    @Test func onlyIdentifiedShoppersEventsLeaveTheGatewayByDefault() async throws {
        let files = try await onAThreadOfItsOwn { try Self.simulatedFiles(seed: 6) }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var options = Replay.Options(tracePath: files.trace, configuration: Self.configuration)
        options.eventsPath = files.directory.appendingPathComponent("events.jsonl").path
        let result = try await onAThreadOfItsOwn { try Replay.run(options) }
        #expect(result.countedOnlyEvents > 0)
        #expect((result.eventCounts[.storeEntered] ?? 0) > 0)
        let text = try String(contentsOfFile: options.eventsPath!, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["type"] as? String == "store.traffic" { continue }
            // Identified (loyalty beacon) devices carry their stable pseudonym and their frequency.
            #expect((object["anonymous_id"] as? String)?.hasPrefix("id-") == true)
            if object["type"] as? String == "store.entered" {
                #expect(object["visit_number"] as? Int == 1)
                #expect(object["loyalty_class"] as? String == "first_time")
            }
        }
    }

    @Test func sensorsNotInTheConfigurationAreCountedAndIgnored() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.csv").path
        try "time,sensor,device,rssi\n1,s1,d,-60\n2,nowhere,d,-60\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Replay.run(Replay.Options(tracePath: path, configuration: Self.configuration))
        #expect(result.observations == 2)
        #expect(result.ignoredObservations == 1)
    }
}
