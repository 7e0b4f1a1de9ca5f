import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// The real `footfall` binary on the small surveyed store.
@Suite struct CalibrationCommandLineTests {
    func store(_ directory: URL) -> String { directory.appendingPathComponent("store.yaml").path }

    @Test func zonesCheckPassesTheSmallStoreAndFailsABrokenOneNamingFileAndLine() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try await FootfallProcess.run(["zones", "check", "--store", store(directory)])
        #expect(good.status == 0, "\(good.standardOutput)\(good.standardError)")
        #expect(good.standardOutput.contains("small-store: 3 zones, 5 sensors, 240 m²; 0 errors, 0 warnings"))

        // tills reaches 5 m past the east wall (line 12 of the file).
        let broken = SurveyedStore.storeYAML.replacingOccurrences(
            of: "polygon: [[15, 0], [20, 0], [20, 12], [15, 12]]", with: "polygon: [[15, 0], [25, 0], [25, 12], [15, 12]]")
        try broken.write(toFile: store(directory), atomically: true, encoding: .utf8)
        let bad = try await FootfallProcess.run(["zones", "check", "--store", store(directory)])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("store.yaml:12:"), "\(bad.standardError)")
        #expect(bad.standardError.contains("zones[2].polygon"))
        #expect(bad.standardError.split(separator: "\n").count == 1)
    }

    @Test func zonesCheckWarnsOfOverlappingZonesOnTheZonesLineAndExitsZero() async throws {
        let overlapping = SurveyedStore.storeYAML.replacingOccurrences(
            of: "polygon: [[8, 0], [15, 0], [15, 12], [8, 12]]", with: "polygon: [[6, 0], [15, 0], [15, 12], [6, 12]]")
        let directory = try SurveyedStore.folder(yaml: overlapping)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["zones", "check", "--store", store(directory)])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("store.yaml:9: warning: zones[1].polygon: zone 'aisles' overlaps zone 'fresh' by 24.0 m²"), "\(result.standardOutput)")
    }

    /// A warning about the store's zones or sensors as a whole names that section's line.
    @Test func zonesCheckNamesTheSectionLineOfAStoreWideWarning() async throws {
        let yaml = """
            store:
              id: one-sensor
              outline: [[0, 0], [10, 0], [10, 8], [0, 8]]
            zones: []
            sensors:
              - id: s1
                position: [5, 4, 2.8]

            """
        let directory = try SurveyedStore.folder(survey: [], yaml: yaml)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["zones", "check", "--store", store(directory)])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("store.yaml:4: warning: zones: the store has no zones"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("store.yaml:5: warning: sensors: 1 sensor cannot place"), "\(result.standardOutput)")
    }

    @Test func zonesRenderWritesAWellFormedPlan() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("layout.svg").path
        let result = try await FootfallProcess.run(["zones", "render", "--store", store(directory), "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let svg = SVGInspector(try String(contentsOfFile: out, encoding: .utf8))
        #expect(svg.wellFormed)
        #expect(svg.elements("polygon", class: "zone").count == 3)
        #expect(svg.elements("circle", class: "sensor").count == 5)
    }

    @Test func calibrateFitWritesFittedYAMLThatTheStoreThenReadsWithin2dBAnd0_2() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let storeBefore = try String(contentsOfFile: store(directory), encoding: .utf8)
        let plot = directory.appendingPathComponent("fit.svg").path
        let result = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory), "--plot", plot])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("sensor        rssi@1m  exponent  residual_sd  points  samples  notes"))
        #expect(result.standardOutput.contains("5 of 5 sensors fitted from 1500 readings"))
        #expect(try String(contentsOfFile: store(directory), encoding: .utf8) == storeBefore)
        let configuration = try StoreConfiguration.load(path: store(directory))
        for sensor in configuration.layout.sensors {
            let truth = SurveyedStore.truePathLoss[sensor.id]!
            #expect(abs(sensor.pathLoss(for: .ble).rssiAt1m - truth.rssiAt1m) <= 2)
            #expect(abs(sensor.pathLoss(for: .ble).exponent - truth.exponent) <= 0.2)
        }
        #expect(SVGInspector(try String(contentsOfFile: plot, encoding: .utf8)).wellFormed)
    }

    @Test func calibrateFitNamesTheSurveyLineOfAnUnknownSensor() async throws {
        var survey = SurveyedStore.survey()
        survey[9].sensor = "s9"
        let directory = try SurveyedStore.folder(survey: survey)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory)])
        #expect(result.status != 0)
        // Sample 9 is on line 11 (the header is line 1).
        #expect(result.standardError.contains("survey.csv:11: sensor 's9' is not in the store"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }

    @Test func calibrateFitRefusesASurveyOnALine() async throws {
        let line = (0..<8).map { Point(x: 1 + 2 * Double($0), y: 6) }
        let directory = try SurveyedStore.folder(survey: SurveyedStore.survey(points: line))
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory)])
        #expect(result.status != 0)
        #expect(result.standardError.contains("lie on one line"))
    }

    @Test func calibrateCheckPrintsTheLeaveOneOutFiguresAndWritesTheHeatMap() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let heatmap = directory.appendingPathComponent("error.svg").path
        let result = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory), "--heatmap", heatmap])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("leave-one-out over 60 survey points"))
        #expect(result.standardOutput.contains("zone confusion"))
        #expect(result.standardOutput.contains("one more sensor would help most at"))
        let svg = SVGInspector(try String(contentsOfFile: heatmap, encoding: .utf8))
        #expect(svg.wellFormed)
        #expect(svg.elements("circle", class: "suggested-sensor").count == 1)
    }

    @Test func calibrateCheckAsJSONGivesTheSameFiguresAsItsTables() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory), "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["points"] as? Int == 60)
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(overall["count"] as? Int == 60)
        let median = try #require(overall["median_m"] as? Double)
        #expect(median > 0 && median <= 2)
        let confusion = try #require(object["confusion"] as? [String: [String: Int]])
        #expect(confusion.values.flatMap(\.values).reduce(0, +) == 60)
        #expect((object["suggested_sensor"] as? [String: Any])?["x"] is Double)
        // The 2 m grid reaches the whole floor: nothing extrapolated is said.
        #expect(object["survey_coverage"] as? Double == 1)
        let text = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory)])
        #expect(!text.standardOutput.contains("extrapolation"), "\(text.standardOutput)")
    }

    /// A survey of one end of the floor: the floor's expected error beyond it is the models'
    /// extrapolation, and `check` says how much of the floor its points reach.
    @Test func calibrateCheckSaysWhereItsFloorFigureIsExtrapolated() async throws {
        let corner = SurveyedStore.points.filter { $0.x < 8 }
        let directory = try SurveyedStore.folder(survey: SurveyedStore.survey(points: corner))
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory)])
        #expect(result.status == 0, "\(result.standardError)")
        let line = try #require(result.standardOutput.split(separator: "\n").first { $0.contains("extrapolation") }, "\(result.standardOutput)")
        // x < 10 of a 20 m floor is within 3 m of a point of x ≤ 7: about half the floor.
        #expect(line.contains("within 3 m of 5"), "\(line)")
        let json = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let coverage = try #require(object["survey_coverage"] as? Double)
        #expect(coverage > 0.45 && coverage < 0.55, "\(coverage)")
    }

    @Test func calibrateRecordAppendsAPointFromATraceWindow() async throws {
        let directory = try SurveyedStore.folder(survey: [])
        defer { try? FileManager.default.removeItem(at: directory) }
        // A trace of the phone at (5, 5) for 60 s, and another device.
        var trace = "time,sensor,device,rssi\n"
        for t in 0..<60 {
            for s in ["s1", "s2", "s3"] { trace += "\(100 + t),\(s),survey-phone,-\(60 + t % 5)\n" }
            trace += "\(100 + t),s4,other,-80\n"
        }
        let tracePath = directory.appendingPathComponent("walk.csv").path
        try trace.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let result = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "5,5", "--seconds", "10", "--source", "trace:\(tracePath)@20",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("device survey-phone (heard most"))
        #expect(result.standardOutput.contains("appended 30 readings from 3 of 5 sensors at (5.0, 5.0) in fresh"))
        let survey = try SurveyCodec.readSurvey(path: directory.appendingPathComponent("survey.csv").path)
        #expect(survey.count == 30)
        // The zone is printed, not written: the coordinates say it, and a label worked out here
        // would hold the survey to today's zones.
        #expect(survey.allSatisfy { $0.point == Point(x: 5, y: 5) && $0.zone == nil && $0.time >= 120 && $0.time < 130 })
        // A zone the engineer names is written.
        let named = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "6,5", "--zone", "fresh", "--seconds", "5", "--source", "trace:\(tracePath)@1767603600",
        ])
        #expect(named.status != 0, "a Unix time before the trace is its own time, not an offset: nothing in that window")
        #expect(named.standardError.contains("from 1767603600.0"), "\(named.standardError)")
        let zoned = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "6,5", "--zone", "fresh", "--seconds", "5", "--source", "trace:\(tracePath)@150",
        ])
        #expect(zoned.status == 0, "\(zoned.standardError)")
        let after = try SurveyCodec.readSurvey(path: directory.appendingPathComponent("survey.csv").path)
        #expect(after.filter { $0.point == Point(x: 6, y: 5) }.map(\.zone) == Array(repeating: "fresh", count: 15))
        #expect(after.filter { $0.point == Point(x: 6, y: 5) }.allSatisfy { $0.time >= 150 && $0.time < 155 }, "150 is a time of the trace's own")
    }

    /// A trace put together from each sensor's recording is in time order only within each:
    /// every reading in the window is taken, and the engineer told. A device heard most that is
    /// an address is not printed.
    @Test func calibrateRecordTakesAWindowFromATraceOutOfTimeOrderAndPrintsNoAddress() async throws {
        let directory = try SurveyedStore.folder(survey: [])
        defer { try? FileManager.default.removeItem(at: directory) }
        var trace = "time,sensor,device,rssi\n"
        for s in ["s1", "s2", "s3"] {
            for t in 0..<30 { trace += "\(100 + t),\(s),ble:c4:1f:22:90:0c:3e,-\(60 + t % 5)\n" }
        }
        let tracePath = directory.appendingPathComponent("joined.csv").path
        try trace.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let result = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "5,5", "--seconds", "10", "--source", "trace:\(tracePath)@5",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("appended 30 readings from 3 of 5 sensors"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("is not in time order"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("device ble:<address> (heard most; its address is not shown"), "\(result.standardOutput)")
        #expect(!(result.standardOutput + result.standardError).contains("c4:1f:22"))
        // The window counts from the earliest reading wherever it stands: s1 from 100 s, then s2
        // from 90 s; the first 10 s are s2's alone, as in the same lines sorted.
        var staggered = "time,sensor,device,rssi\n"
        for t in 0..<30 { staggered += "\(100 + t),s1,survey-phone,-60\n" }
        for t in 0..<30 { staggered += "\(90 + t),s2,survey-phone,-62\n" }
        let staggeredPath = directory.appendingPathComponent("staggered.csv").path
        try staggered.write(toFile: staggeredPath, atomically: true, encoding: .utf8)
        let early = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "6,5", "--seconds", "10", "--source", "trace:\(staggeredPath)",
        ])
        #expect(early.standardOutput.contains("appended 10 readings from 1 of 5 sensors"), "\(early.standardOutput)\(early.standardError)")
    }

    /// `calibrate fit` reads store.yaml as written: a stale fitted.yaml (a sensor renamed
    /// since) neither stops it nor is its starting point, and a zone redrawn since the survey
    /// does not either (the fit reads no zone label). A survey outside the store's folder is
    /// named from fitted.yaml's folder, so the gateway finds it.
    @Test func calibrateFitIsNotHeldByAStaleFitNorRedrawnZonesAndNamesAnOutsideSurveyFromItsFolder() async throws {
        var survey = SurveyedStore.survey()
        for i in survey.indices where i % 7 == 0 {
            survey[i].zone = survey[i].point.flatMap { SurveyedStore.layout.zone(containing: $0)?.id }
        }
        let directory = try SurveyedStore.folder(survey: survey)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory)])
        #expect(first.status == 0, "\(first.standardError)")
        let fittedPath = directory.appendingPathComponent("fitted.yaml").path
        let fresh = try String(contentsOfFile: fittedPath, encoding: .utf8)
        // A stale fit: s5 renamed in store.yaml and the survey since, fitted.yaml left.
        let renamed = SurveyedStore.storeYAML.replacingOccurrences(of: "id: s5", with: "id: s6")
            .replacingOccurrences(of: "polygon: [[8, 0], [15, 0], [15, 12], [8, 12]]", with: "polygon: [[8, 0], [12, 0], [12, 12], [8, 12]]")
            .replacingOccurrences(of: "polygon: [[15, 0], [20, 0], [20, 12], [15, 12]]", with: "polygon: [[12, 0], [20, 0], [20, 12], [12, 12]]")
        try renamed.write(toFile: store(directory), atomically: true, encoding: .utf8)
        let renamedSurvey = survey.map { sample -> SurveySample in
            var sample = sample
            if sample.sensor == "s5" { sample.sensor = "s6" }
            return sample
        }
        let otherFolder = directory.appendingPathComponent("surveys")
        try FileManager.default.createDirectory(at: otherFolder, withIntermediateDirectories: true)
        let outside = otherFolder.appendingPathComponent("second.csv").path
        try SurveyCodec.surveyText(renamedSurvey).write(toFile: outside, atomically: true, encoding: .utf8)
        let stale = try await FootfallProcess.run(["replay", directory.appendingPathComponent("survey.csv").path, "--store", store(directory)])
        #expect(stale.status != 0 && stale.standardError.contains("fitted.yaml"), "the stale fit is reported elsewhere: \(stale.standardError)")
        // A survey in a folder beside the store's, given relative to the working directory.
        let refit = try await FootfallProcess.run(
            ["calibrate", "fit", "--store", "store.yaml", "--survey", "surveys/second.csv", "--out", "fits/fitted.yaml"], currentDirectory: directory)
        #expect(refit.status == 0, "\(refit.standardError)")
        let moved = try String(contentsOfFile: directory.appendingPathComponent("fits/fitted.yaml").path, encoding: .utf8)
        #expect(moved.contains("survey: ../surveys/second.csv"), "\(moved)")
        let again = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory), "--survey", outside])
        #expect(again.status == 0, "\(again.standardError)")
        let refitted = try String(contentsOfFile: fittedPath, encoding: .utf8)
        #expect(refitted.contains("s6:") && !refitted.contains("s5:"), "\(refitted)")
        #expect(refitted.contains("survey: surveys/second.csv"), "\(refitted)")
        // Fitted from store.yaml as written, not from the old fit: s1's line as in the first fit.
        let line = { (text: String) in text.split(separator: "\n").first { $0.contains("s1:") } }
        #expect(line(refitted) == line(fresh), "\(refitted)")
        let trace = directory.appendingPathComponent("trace.csv").path
        try "time,sensor,device,rssi\n100,s1,tag,-60\n101,s2,tag,-65\n".write(toFile: trace, atomically: true, encoding: .utf8)
        let replay = try await FootfallProcess.run(["replay", trace, "--store", store(directory)])
        #expect(replay.status == 0, "the gateway finds the survey fitted.yaml names: \(replay.standardError)")
        // `calibrate check` scores zones by the labels, so it asks for them to be emptied: all of them.
        // Through a link to the store's folder, the survey is named as the kernel will find it
        // from there (`link/..` is the linked folder's parent, not the link's).
        let elsewhere = Fixtures.temporaryDirectory("calibration-link")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let link = elsewhere.appendingPathComponent("store-link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory.path)
        let linked = try await FootfallProcess.run(["calibrate", "fit", "--store", link, "--survey", outside, "--out", link + "/fitted.yaml"])
        #expect(linked.status == 0, "\(linked.standardError)")
        let viaLink = try await FootfallProcess.run(["replay", trace, "--store", link])
        #expect(viaLink.status == 0, "the survey found through the link: \(viaLink.standardError)")
        let scored = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory), "--survey", outside])
        #expect(scored.status != 0)
        #expect(scored.standardError.contains("more lines like it: zones redrawn since the survey?"), "\(scored.standardError)")
    }

    /// `calibrate check` locates with the store's own `positioning:` settings, as the gateway
    /// would; its zone accuracy counts the points that lie in a zone.
    @Test func calibrateCheckUsesTheStoresPositioningSettings() async throws {
        var survey = SurveyedStore.survey()
        survey = survey.filter { $0.point.map { $0.x < 19.5 } ?? true }
        let directory = try SurveyedStore.folder(survey: survey)
        defer { try? FileManager.default.removeItem(at: directory) }
        func median(_ yaml: String) async throws -> Double {
            try yaml.write(toFile: store(directory), atomically: true, encoding: .utf8)
            let result = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory), "--json"])
            #expect(result.status == 0, "\(result.standardError)")
            let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            return (object?["overall"] as? [String: Any])?["median_m"] as? Double ?? .nan
        }
        let grid = try await median(SurveyedStore.storeYAML)
        let multilateration = try await median(SurveyedStore.storeYAML + "positioning:\n  engine: multilateration\n")
        #expect(grid.isFinite && multilateration.isFinite && grid != multilateration, "grid \(grid) m, multilateration \(multilateration) m")
    }

    /// A device not heard, or a zone the point is not in, is refused in one line before
    /// anything is printed or written.
    @Test func calibrateRecordRefusesADeviceNotHeardAndAZoneThePointIsNotIn() async throws {
        let directory = try SurveyedStore.folder(survey: [])
        defer { try? FileManager.default.removeItem(at: directory) }
        var trace = "time,sensor,device,rssi\n"
        for t in 0..<30 { trace += "\(100 + t),s1,survey-phone,-60\n" }
        let tracePath = directory.appendingPathComponent("walk.csv").path
        try trace.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let nobody = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "5,5", "--device", "nobody", "--source", "trace:\(tracePath)",
        ])
        #expect(nobody.status != 0)
        #expect(nobody.standardError.contains("nobody was not heard by any sensor"), "\(nobody.standardError)")
        #expect(nobody.standardOutput.isEmpty, "no table above the error: \(nobody.standardOutput)")
        let elsewhere = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "5,5", "--zone", "tills", "--source", "trace:\(tracePath)",
        ])
        #expect(elsewhere.status != 0)
        #expect(elsewhere.standardError.contains("--at 5,5 is 10.0 m outside zone tills"), "\(elsewhere.standardError)")
        let surveyPath = directory.appendingPathComponent("survey.csv").path
        #expect(try !FileManager.default.fileExists(atPath: surveyPath) || SurveyCodec.readSurvey(path: surveyPath).isEmpty, "nothing appended")
    }

    /// The storefront's loss `calibrate fit` prints, in dB.
    static func storefrontLoss(in output: String) -> Double? {
        guard let range = output.range(of: "the pavement is heard ") else { return nil }
        return Double(output[range.upperBound...].prefix { $0 != " " })
    }

    @Test func aSimulatedSurveyOfThePavementIsFittedFromItsFloorAndRecordedPointsMayLieThere() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let survey = directory.appendingPathComponent("pavement.csv").path
        let simulated = try await FootfallProcess.run([
            "simulate-survey", "--store", store(directory), "--seed", "3", "--spacing", "5", "--dwell", "1", "--pavement", "--out", survey,
        ])
        #expect(simulated.status == 0, "\(simulated.standardError)")
        // Two rows 5 m apart along the 20 m storefront and 5 m past its ends: x = -5 … 25.
        #expect(simulated.standardOutput.contains("(14 of them on the pavement)"), "\(simulated.standardOutput)")
        let samples = try SurveyCodec.readSurvey(path: survey)
        #expect(samples.contains { ($0.point?.y ?? 0) < 0 })
        // Written aside: a fitted.yaml beside the store would be the next simulated survey's radio.
        let fitted = directory.appendingPathComponent("fits/fitted.yaml").path
        let fit = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory), "--survey", survey, "--out", fitted])
        #expect(fit.status == 0, "\(fit.standardError)")
        let street = samples.filter { ($0.point?.y ?? 0) < 0 }.count
        #expect(fit.standardOutput.contains("fitted from \(samples.count - street) readings (\(street) on the pavement left out"), "\(fit.standardOutput)")
        // The simulated pavement is heard as if through an open front, and the fit says so; a
        // survey made through a 10 dB storefront says that instead (to within the shadowing).
        let open = try #require(Self.storefrontLoss(in: fit.standardOutput))
        #expect(abs(open) < 2, "\(fit.standardOutput)")
        #expect(fit.standardOutput.contains("as through an open front, so outside_wall_loss stays 0"), "\(fit.standardOutput)")
        let walledSurvey = directory.appendingPathComponent("walled.csv").path
        let walled = try await FootfallProcess.run([
            "simulate-survey", "--store", store(directory), "--seed", "3", "--spacing", "5", "--dwell", "10", "--pavement", "--storefront-loss", "10",
            "--out", walledSurvey,
        ])
        #expect(walled.status == 0, "\(walled.standardError)")
        let walledFit = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory), "--survey", walledSurvey, "--out", fitted])
        let loss = try #require(Self.storefrontLoss(in: walledFit.standardOutput))
        #expect(abs(loss - 10) < 2, "\(walledFit.standardOutput)")
        #expect(walledFit.standardOutput.contains("`outside_wall_loss: "), "\(walledFit.standardOutput)")
        // A point recorded on the pavement before the door is taken; one beside the store, behind
        // the storefront's line, is not.
        let trace = directory.appendingPathComponent("t.csv").path
        try "time,sensor,device,rssi\n1,s1,phone,-60\n".write(toFile: trace, atomically: true, encoding: .utf8)
        let pavement = try await FootfallProcess.run(["calibrate", "record", "--store", store(directory), "--at", "10,-2", "--source", "trace:\(trace)"])
        #expect(pavement.status == 0, "\(pavement.standardError)")
        #expect(pavement.standardOutput.contains("appended 1 readings from 1 of 5 sensors at (10.0, -2.0)"), "\(pavement.standardOutput)")
        let pastTheCorner = try await FootfallProcess.run(["calibrate", "record", "--store", store(directory), "--at", "23,-2", "--source", "trace:\(trace)"])
        // Before the storefront's line, 3 m past its corner: the street runs on.
        #expect(pastTheCorner.status == 0, "\(pastTheCorner.standardError)")
        let behind = try await FootfallProcess.run(["calibrate", "record", "--store", store(directory), "--at", "23,5", "--source", "trace:\(trace)"])
        #expect(behind.standardError.contains("--at 23,5 is outside the outline of small-store and not on the street before it"), "\(behind.standardError)")
    }

    @Test func replayTakesTheSurveyTheFittedPathLossWasFittedToUnlessToldNot() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fit = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory)])
        #expect(fit.status == 0, "\(fit.standardError)")
        let trace = directory.appendingPathComponent("t.csv").path
        try "time,sensor,device,rssi\n1,s1,phone,-60\n1.2,s3,phone,-70\n".write(toFile: trace, atomically: true, encoding: .utf8)
        let survey = directory.appendingPathComponent("survey.csv").path
        let taken = try await FootfallProcess.run(["replay", trace, "--store", store(directory)])
        #expect(taken.status == 0, "\(taken.standardError)")
        #expect(taken.standardOutput.contains("radio map from the survey \(survey): 60 points (the one fitted.yaml was fitted to"), "\(taken.standardOutput)")
        let left = try await FootfallProcess.run(["replay", trace, "--store", store(directory), "--no-survey"])
        #expect(left.status == 0, "\(left.standardError)")
        #expect(!left.standardOutput.contains("radio map from the survey"))
        let both = try await FootfallProcess.run(["replay", trace, "--store", store(directory), "--no-survey", "--survey", survey])
        #expect(both.standardError.contains("--survey and --no-survey: give one of them"))
    }

    @Test func calibrateRecordRefusesAPointOutsideTheStoreAndAnUnknownZone() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("t.csv").path
        try "time,sensor,device,rssi\n1,s1,phone,-60\n".write(toFile: trace, atomically: true, encoding: .utf8)
        let outside = try await FootfallProcess.run(["calibrate", "record", "--store", store(directory), "--at", "25,5", "--source", "trace:\(trace)"])
        #expect(outside.status != 0)
        #expect(outside.standardError.contains("--at 25,5 is outside the outline of small-store"))
        let zone = try await FootfallProcess.run(["calibrate", "record", "--store", store(directory), "--at", "5,5", "--zone", "bakery", "--source", "trace:\(trace)"])
        #expect(zone.status != 0)
        #expect(zone.standardError.contains("--zone bakery is not a zone of small-store; use one of fresh, aisles, tills"))
    }

    @Test func calibrateRecordFromAnUnavailableSourceSaysWhatIsAvailable() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(["calibrate", "record", "--store", store(directory), "--at", "5,5", "--source", "hci:0"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("source 'hci' is not one to record from; use live (the store file's own sources"))
        #expect(result.standardError.contains("trace:FILE[@start]"))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
