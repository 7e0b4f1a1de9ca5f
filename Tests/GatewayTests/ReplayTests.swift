import Calibration
import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Positioning
import Storage
import Testing

@Suite struct ReplayTests {
    static let configuration = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path)

    /// A 20-minute simulated demo store written to files, as `footfall simulate` would.
    static func simulatedFiles(seed: UInt64 = 21) throws -> (directory: URL, trace: String, truth: String) {
        try StoreSimulatorSettings.write(StoreSimulatorSettings.make(minutes: 20, shoppers: 90, seed: seed), layout: configuration.layout)
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

    /// One replay serves both the report and the analytics (`--analytics`, docs/analytics.md):
    /// a replay is the slowest part of this suite.
    @Test func aSimulatedStoresReportCountsItsVisitsScoresPositionsAndItsAnalyticsMatchTheTruth() async throws {
        let files = try await onAThreadOfItsOwn { try Self.simulatedFiles(seed: 4) }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var configuration = Self.configuration
        configuration.identity.anonymousEvents = true
        var options = Replay.Options(tracePath: files.trace, configuration: configuration)
        let truth = try await onAThreadOfItsOwn { try SurveyCodec.readTruth(path: files.truth) }
        options.truth = truth
        options.analyticsPath = files.directory.appendingPathComponent("analytics.json").path
        let result = try await onAThreadOfItsOwn { try Replay.run(options) }
        let report = try #require(result.report)
        try Self.checkAnalytics(at: options.analyticsPath!, against: report, truth: truth)
        #expect(result.observations > 50_000)
        #expect(result.ignoredObservations == 0)
        #expect(report.positionError.count > 5_000)
        // The first locate stage: the positioning work brings these down; here they bound
        // gross mistakes (a swapped axis or a broken clock would put errors over 10 m).
        #expect(try #require(report.positionError.median) < 6)
        #expect(try #require(report.zoneAccuracy) > 0.5)
        #expect(report.visits.true >= 15)
        // Gross mistakes only: how many long visits are missed is VisitTargetsTests' to measure
        // (3 of 321 on an hour of the demo store, by person), not one 20-minute seed's.
        #expect(report.visits.missed <= report.visits.true / 5, "\(report.visits.missed) of \(report.visits.true) visits missed")
        #expect(report.entryDelay.count == report.visits.true - report.visits.missed)
        // Entries are decided about enter_after past the first inside estimate, exits exit_after
        // past the last one; position error moves both by seconds, not minutes.
        #expect(try #require(report.entryDelay.median) < Self.configuration.presence.enterAfter + 45)
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
        // Every visit detected ended by the end of the replay, and the short ones are counted.
        #expect(result.visitLengths.ended == report.visits.detected)
        #expect(json["visits_ended"] as? Int == result.visitLengths.ended)
        #expect(json["visits_under_a_minute"] as? Int == result.visitLengths.underAMinute)
        #expect(result.visitLengths.underAMinute < result.visitLengths.ended / 5, "the demo store's sensors are 6 m behind its storefront")
        // The demo store's file states every sensor's path loss: no gain is learnt.
        #expect((json["sensor_gains"] as? [Any])?.isEmpty == true)
        #expect(!ReplaySummary.text(result, trace: "t.csv", store: "store.yaml", elapsed: 1).contains("sensor gains"))
        // Nor the building's exponent.
        #expect(json["path_loss_exponent_deviation"] == nil)
        #expect(result.learntExponent == nil)
    }

    @Test func theSensorGainsLearntFromTheShoppersArePrintedAndInTheJSON() async throws {
        let files = try await onAThreadOfItsOwn { try Self.simulatedFiles(seed: 4) }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        // The same store with the path loss left out of its file: every sensor's gain is learnt.
        var configuration = Self.configuration
        for s in configuration.layout.sensors.indices { configuration.layout.sensors[s].pathLoss = [:] }
        let result = try await onAThreadOfItsOwn { try Replay.run(Replay.Options(tracePath: files.trace, configuration: configuration)) }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReplaySummary.json(result, elapsed: 1).utf8)) as? [String: Any])
        let gains = try #require(json["sensor_gains"] as? [[String: Any]])
        #expect(gains.compactMap { $0["sensor"] as? String } == configuration.layout.sensors.map(\.id.rawValue))
        #expect(gains.allSatisfy { ($0["devices"] as? Double ?? 0) > 1 && abs($0["gain_db"] as? Double ?? 99) < 6 })
        let text = ReplaySummary.text(result, trace: "t.csv", store: "store.yaml", elapsed: 1)
        #expect(text.contains("sensor gains learnt (dB louder than the model): s1 "))
        // The demo store's sensors lie within a dB or two of the default model but s7, stated at
        // −60 dBm at 1 m with an exponent of 2.4, which hears 2.4–3 dB less than the model 5–10 m
        // away: it is learnt as the quietest by far. (Whether that is far enough from the mean to
        // ask for a survey is `gainsThatDifferWidelyAskForASurvey`'s.)
        let learnt = Dictionary(uniqueKeysWithValues: gains.compactMap { g in (g["sensor"] as? String).map { ($0, g["gain_db"] as? Double ?? 0) } })
        let s7 = try #require(learnt["s7"])
        let others = learnt.filter { $0.key != "s7" }.values
        #expect(others.allSatisfy { $0 > s7 } && others.reduce(0, +) / Double(others.count) > s7 + 1.5, "\(learnt)")
        // And the building's path-loss exponent: the simulated sensors' lie within ±0.2 of the
        // default model's, so what is learnt is small.
        let exponent = try #require(json["path_loss_exponent_deviation"] as? [String: Any])
        #expect(abs(exponent["deviation"] as? Double ?? 99) < 0.3)
        #expect((exponent["devices"] as? Double ?? 0) > 1)
        #expect(text.contains("path-loss exponent learnt: "))
    }

    /// Learnt gains that lie 2 dB or more from the sensors' mean say the receivers differ more
    /// than learning makes up for: the summary (and `footfall status`) asks for a survey.
    @Test func gainsThatDifferWidelyAskForASurvey() throws {
        func gains(_ decibels: [Double], devices: Double = 40) -> [SensorGain] {
            decibels.enumerated().map { SensorGain(sensor: SensorID("s\($0.offset + 1)"), decibels: $0.element, devices: devices) }
        }
        let differing = try #require(ReplaySummary.gainsLine(gains([-1.1, 2.35, -1.8, -4.4, -3.8, -1.3, -2.7, -1.2])))
        #expect(differing.contains("the sensors differ from the model by up to 4.1 dB from their mean"), "\(differing)")
        #expect(differing.contains("survey the store (footfall calibrate record, then calibrate fit)"))
        // What `make accuracy`'s receivers that differ taught (7.4 % of passers-by as visitors).
        let drawn = try #require(ReplaySummary.gainsLine(gains([1.6, -2.2, -0.8, -2.0, 1.1, -2.3, -0.2, -2.6])))
        #expect(drawn.contains("by up to 2.5 dB from their mean"), "\(drawn)")
        // What the demo store's taught, its sensors within a dB of the model.
        let close = try #require(ReplaySummary.gainsLine(gains([-0.9, -0.5, -1.4, -0.2, 0.2, 0, -1.8, 0.4])))
        #expect(!close.contains("survey"), "\(close)")
        // A shared offset is the phones', not the sensors': 5 dB on every sensor asks nothing.
        #expect(ReplaySummary.gainsLine(gains([5, 5.5, 4.5])).map { !$0.contains("survey") } == true)
        // Nor does a gain with less than a device's worth of evidence behind it.
        #expect(ReplaySummary.gainsLine(gains([0, 0, 9], devices: 0.5)) == nil)
    }

    /// Visits under a minute are counted; where a fifth or more of them are, the summary says
    /// they are mostly passers-by and what keeps them out.
    @Test func theSummarySaysWhenManyVisitsLastUnderAMinute() throws {
        #expect(ReplaySummary.shortVisitsLine(ended: 0, underAMinute: 0) == nil)
        // The demo store's hour (seed 7): shoppers, with a few short visits.
        let demo = try #require(ReplaySummary.shortVisitsLine(ended: 451, underAMinute: 34))
        #expect(demo == "visits ended: 451, 34 of them (7.5 %) under a minute")
        // A store whose sensors hear the pavement: the passers-by walking past are taken in.
        let street = try #require(ReplaySummary.shortVisitsLine(ended: 192, underAMinute: 110))
        #expect(street.hasPrefix("visits ended: 192, 110 of them (57.3 %) under a minute\n"), "\(street)")
        #expect(street.contains("presence.enter_after: 60 keeps them out"))
        #expect(ReplaySummary.shortVisitsLine(ended: 10, underAMinute: 2)?.contains("enter_after") == true)
        #expect(ReplaySummary.shortVisitsLine(ended: 10, underAMinute: 1)?.contains("enter_after") == false)
    }

    /// With a data directory, what a replay learnt of the radio is kept there and the next
    /// replay starts from it, as the daemon does across a restart.
    @Test func aDataDirectoryKeepsWhatWasLearntOfTheRadioForTheNextReplay() async throws {
        let files = try await onAThreadOfItsOwn { try Self.simulatedFiles(seed: 4) }
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var configuration = Self.configuration
        for s in configuration.layout.sensors.indices { configuration.layout.sensors[s].pathLoss = [:] }
        var options = Replay.Options(tracePath: files.trace, configuration: configuration)
        options.gatewayData = try GatewayData(directory: files.directory.appendingPathComponent("data").path, durability: .normal)
        let first = try await onAThreadOfItsOwn { try Replay.run(options) }
        #expect(first.learntRadioTakenBack == nil)
        let kept = try #require(options.gatewayData).database.learntRadio().values
        #expect(kept.count == configuration.layout.sensors.count + 1, "every sensor's gain and the exponent: \(kept)")

        let second = try await onAThreadOfItsOwn { try Replay.run(options) }
        let taken = try #require(second.learntRadioTakenBack)
        #expect(taken.restored == kept.count && taken.ignored == 0)
        // The same trace again on top of what it taught: more evidence behind every value.
        let firstExponent = try #require(first.learntExponent), secondExponent = try #require(second.learntExponent)
        #expect(secondExponent.devices > firstExponent.devices)
        let text = ReplaySummary.text(second, trace: "t.csv", store: "store.yaml", elapsed: 1)
        #expect(text.contains("radio learnt before: \(kept.count) values taken back from the data directory"), "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReplaySummary.json(second, elapsed: 1).utf8)) as? [String: Any])
        #expect((json["learnt_radio_taken_back"] as? [String: Int]) == ["values": kept.count, "no_longer_fitting": 0])

        // A sensor moved since: its gain is learnt afresh, and the summary says so.
        configuration.layout.sensors[0].position.x += 2
        options.configuration = configuration
        let third = try await onAThreadOfItsOwn { try Replay.run(options) }
        #expect(third.learntRadioTakenBack?.ignored == 1)
        #expect(ReplaySummary.text(third, trace: "t.csv", store: "store.yaml", elapsed: 1).contains("1 no longer fit the store file and were learnt afresh"))
    }

    /// Devices of the truth with no visit: never inside the outline for `enter_after` (gaps
    /// shorter than `exit_after` joined, as the report's true visits are).
    static func truePassersBy(_ truth: [TruthSample]) -> Int {
        passersBy(truth).count
    }

    /// The people never inside long enough to visit, each with their samples (by person where
    /// the truth names one: a phone whose address rotated as it passed is one passer-by).
    static func passersBy(_ truth: [TruthSample]) -> [[TruthSample]] {
        let presence = configuration.presence
        return Dictionary(grouping: truth, by: \.subject).values.filter { samples in
            var runs: [(start: Double, end: Double)] = []
            for sample in samples.sorted(by: { $0.time < $1.time }) where configuration.layout.outline.contains(sample.position) {
                if let last = runs.last, sample.time - last.end < presence.exitAfter {
                    runs[runs.count - 1].end = sample.time
                } else {
                    runs.append((sample.time, sample.time))
                }
            }
            return !runs.contains { $0.end - $0.start >= presence.enterAfter }
        }
    }

    /// The analytics' visitors equal the truth's visits within the report's own visit error
    /// (missed plus false visits), and the capture rate the truth's within the same error over
    /// every device the truth has (visitors plus passers-by, a passer-by never inside).
    static func checkAnalytics(at path: String, against report: AccuracyReport, truth: [TruthSample]) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Any])
        let visitors = try #require(totals["visitors"] as? Int)
        let passersBy = try #require(totals["passers_by"] as? Int)
        let captureRate = try #require(totals["capture_rate"] as? Double)
        // A visit counted twice (an address the pipeline did not follow) is an error too; a
        // passer-by's address that rotated as it passed is counted twice, by design (only
        // visitors' addresses are followed).
        let visitError = report.visits.missed + report.visits.false + report.visits.twice
        let truePassersBy = Self.truePassersBy(truth)
        let rotatedPassersBy = Self.passersBy(truth).filter { Set($0.map(\.device)).count > 1 }.count
        let trueRate = Double(report.visits.true) / Double(report.visits.true + truePassersBy)
        #expect(visitors == report.visits.detected, "the analytics count every visit the replay made")
        #expect(abs(visitors - report.visits.true) <= visitError, "visitors \(visitors), true visits \(report.visits.true), error \(visitError)")
        #expect(abs(passersBy - truePassersBy) <= visitError + rotatedPassersBy, "passers-by \(passersBy), true \(truePassersBy), error \(visitError) + \(rotatedPassersBy)")
        // The JSON gives the rate to four decimals (`AnalyticsSummary`): half the last one on top.
        let rateError = Double(visitError + rotatedPassersBy) / Double(report.visits.true + truePassersBy) + 0.5e-4
        #expect(abs(captureRate - trueRate) <= rateError, "capture rate \(captureRate), true \(trueRate), error \(rateError)")
        // Every hour of the trace is a bucket, and the buckets add up to the totals.
        let buckets = try #require(json["buckets"] as? [[String: Any]])
        #expect(!buckets.isEmpty)
        #expect(buckets.compactMap { $0["visitors"] as? Int }.reduce(0, +) == visitors)
        let zones = try #require(totals["zones"] as? [String: [String: Int]])
        #expect(zones.values.compactMap { $0["dwells"] }.reduce(0, +) == report.dwell.fired, "every zone.dwell is counted")
        #expect(zones.values.compactMap { $0["entries"] }.reduce(0, +) > 0)
        // Every zone of the store, as the API lists them, those nobody entered at 0.
        #expect(Set(zones.keys) == Set(Self.configuration.layout.zones.map(\.id)), "\(zones.keys.sorted())")
        let histogram = try #require(totals["dwell_histogram"] as? [Int])
        #expect(histogram.reduce(0, +) == visitors, "every visit ended by the end of the replay, in one dwell bucket")
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
