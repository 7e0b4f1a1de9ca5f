import Calibration
import FootfallCore
import FootfallTesting
import Foundation
import Testing

@Suite struct PathLossCalibrationTests {
    let layout = SurveyedStore.layout

    @Test(arguments: [7, 11, 23, 42, 99] as [UInt64])
    func fittedParametersAreWithin2dBAnd0_2OfThoseThatMadeTheReadingsAndNothingIsFlagged(seed: UInt64) async throws {
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(SurveyedStore.survey(seed: seed), layout: layout) }
        #expect(fits.count == 5)
        for fit in fits {
            let truth = try #require(SurveyedStore.truePathLoss[fit.sensor])
            let fitted = try #require(fit.pathLoss)
            #expect(abs(fitted.rssiAt1m - truth.rssiAt1m) <= 2, "\(fit.sensor): \(fitted.rssiAt1m) vs \(truth.rssiAt1m)")
            #expect(abs(fitted.exponent - truth.exponent) <= 0.2, "\(fit.sensor): \(fitted.exponent) vs \(truth.exponent)")
            // The readings carry 3 dB of noise: the robust spread finds it within 1 dB.
            #expect(abs((fit.residualSD ?? 0) - 3) <= 1)
            #expect(fit.points == 60)
            #expect(fit.samples == 300)
            #expect(fit.flags.isEmpty, "\(fit.sensor): \(fit.flags)")
        }
    }

    @Test func aSensorRecordedThreeMetresFromWhereItIsIsFlaggedWithinAMetreOfThatDistance() async throws {
        // s3 is configured at (10, 6) but really hangs at (13, 6).
        let survey = SurveyedStore.survey(actualPositions: ["s3": Point3(x: 13, y: 6, z: 2.8)])
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(survey, layout: layout) }
        let s3 = try #require(fits.first { $0.sensor == "s3" })
        let suggested = try #require(s3.suggestedPosition)
        #expect(suggested.distance(to: Point(x: 13, y: 6)) <= 1)
        let flagged = s3.flags.contains { if case .positionSuspect(let d, _, _, _) = $0 { abs(d - 3) <= 1 } else { false } }
        #expect(flagged, "\(s3.flags)")
        #expect(fits.filter { $0.sensor != "s3" }.allSatisfy { $0.suggestedPosition == nil })
        #expect(PathLossCalibration.table(fits).contains("POSITION?"))
        // The residuals it quotes are the table's where the sensor is configured.
        let quoted = s3.flags.compactMap { if case .positionSuspect(_, _, let here, _) = $0 { here } else { nil } }
        #expect(quoted == [s3.residualSD!], "\(quoted) against \(s3.residualSD!)")
    }

    /// A sensor whose readings fall off too little with distance for a path loss (a slope
    /// under 1) has its exponent held, and its position is not second-guessed: with a slope
    /// not its own, positions that make the distances more alike fit better for that alone.
    @Test func aSensorWhoseExponentIsHeldIsComparedOnTheSameTerms() async throws {
        var survey = SurveyedStore.survey()
        let s1 = try #require(layout.sensor("s1"))
        var random = SplitMix64(seed: 5)
        for i in survey.indices where survey[i].sensor == "s1" {
            let d = s1.position.distance(to: survey[i].point!, height: layout.deviceHeight)
            survey[i].rssi = -62 - 6 * log10(d) + random.gaussian() * 2
        }
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(survey, layout: layout) }
        let fit = try #require(fits.first { $0.sensor == "s1" })
        #expect(fit.flags.contains(.exponentHeld), "\(fit.flags)")
        #expect(!fit.flags.contains { if case .positionSuspect = $0 { true } else { false } }, "\(fit.flags)")
    }

    @Test func aSensorNeverHeardIsFlaggedAndKeepsItsConfiguredModel() throws {
        let fits = PathLossCalibration().fit(SurveyedStore.survey(silent: ["s5"]), layout: layout)
        let s5 = try #require(fits.first { $0.sensor == "s5" })
        #expect(s5.flags == [.neverHeard])
        #expect(s5.pathLoss == nil)
        let yaml = PathLossCalibration.fittedYAML(fits, survey: "survey.csv")
        #expect(!yaml.contains("s5:"))
        #expect(yaml.contains("# not fitted (never heard, too few readings, or an implausible fit): s5"))
    }

    @Test func aNoisySensorIsFlaggedAsAPoorFit() async throws {
        var survey = SurveyedStore.survey()
        var random = SplitMix64(seed: 3)
        for i in survey.indices where survey[i].sensor == "s2" { survey[i].rssi += random.gaussian() * 12 }
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(survey, layout: layout) }
        let s2 = try #require(fits.first { $0.sensor == "s2" })
        #expect(s2.flags.contains { if case .poorFit = $0 { true } else { false } }, "\(s2.flags)")
    }

    @Test func theFittedFileReadsBackToTheSameParametersWithin0_01() async throws {
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(SurveyedStore.survey(), layout: layout) }
        let yaml = PathLossCalibration.fittedYAML(fits, survey: "survey.csv")
        let parsed = try FittedPathLoss.parse(yaml: yaml, file: "fitted.yaml")
        #expect(parsed.survey == "survey.csv")
        for fit in fits {
            let entry = try #require(parsed.sensors[fit.sensor])
            #expect(abs(entry.pathLoss.rssiAt1m - fit.pathLoss!.rssiAt1m) <= 0.01)
            #expect(abs(entry.pathLoss.exponent - fit.pathLoss!.exponent) <= 0.001)
            #expect(entry.points == 60)
        }
    }

    @Test func theStoreConfigurationAppliesFittedYAMLBesideItAndKeepsStoreYAMLUntouched() throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fitted = "survey: survey.csv\nsensors:\n  s2: { rssi_at_1m: -63.5, exponent: 2.35, residual_sd: 3.1, points: 60 }\n"
        try fitted.write(to: directory.appendingPathComponent("fitted.yaml"), atomically: true, encoding: .utf8)
        let configuration = try StoreConfiguration.load(path: directory.appendingPathComponent("store.yaml").path)
        #expect(configuration.layout.sensor("s2")?.pathLoss(for: .ble) == PathLoss(rssiAt1m: -63.5, exponent: 2.35))
        #expect(configuration.layout.sensor("s1")?.pathLoss(for: .ble) == .bleDefault)
        #expect(configuration.fitted?.sensors.count == 1)
    }

    @Test func aFittedFileNamingASensorTheStoreLacksIsAnErrorWithItsLine() throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fitted = "survey: survey.csv\nsensors:\n  s1: { rssi_at_1m: -60, exponent: 2.2 }\n  s9: { rssi_at_1m: -60, exponent: 2.2 }\n"
        try fitted.write(to: directory.appendingPathComponent("fitted.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try StoreConfiguration.load(path: directory.appendingPathComponent("store.yaml").path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("fitted.yaml:4") && text.contains("s9")
        }
    }
}

