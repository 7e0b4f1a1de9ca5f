import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// A surveyed store runs on its survey's radio map, not on the fitted path loss alone: the
/// daemon (and `replay`, without `--survey`) takes the survey `fitted.yaml` was fitted to.
@Suite struct SurveyedDaemonTests {
    @Test func theDaemonTakesTheSurveyItsFittedPathLossWasFittedToAndRefusesToStartWithoutIt() async throws {
        let directory = Fixtures.temporaryDirectory("surveyed-daemon")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("store.yaml").path
        let sources = "\nsources:\n  - type: simulate\n    speed: 20\n    shoppers_per_hour: 60\n"
        try (Fixtures.demoStoreWithoutSources() + sources + "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let survey = directory.appendingPathComponent("survey.csv").path
        let simulated = try await FootfallProcess.run([
            "simulate-survey", "--store", config, "--seed", "7", "--spacing", "5", "--dwell", "1", "--out", survey,
        ])
        #expect(simulated.status == 0, "\(simulated.standardError)")
        let fit = try await FootfallProcess.run(["calibrate", "fit", "--store", config])
        #expect(fit.status == 0, "\(fit.standardError)")
        let points = Set(try SurveyCodec.readSurvey(path: survey).compactMap(\.point)).count
        #expect(points > 20)

        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let (daemon, client) = try await DaemonSourceTests.start((directory, config, data))
        defer { daemon.kill() }
        #expect(daemon.log.contains("survey=\(points) points"), "\(daemon.log.suffix(2000))")
        // The status says so, and `footfall status` prints it.
        let status = try await client.status(within: .seconds(60)) { $0["survey_points"] != nil }
        #expect(status["survey_points"] as? Int == points, "\(status)")
        let printed = try await FootfallProcess.run(["status", "--url", "http://127.0.0.1:\(client.port)", "--token", "t"])
        #expect(printed.standardOutput.contains("radio map: a survey of \(points) points"), "\(printed.standardOutput)")
        await daemon.killOnItsOwnThread(SIGTERM)

        // Without the survey it was fitted to, the fit stands without its map: refused.
        try FileManager.default.removeItem(atPath: survey)
        let missing = try await FootfallProcess.run(["run", "--config", config, "--data", data])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("fitted.yaml: its survey \(survey) is missing"), "\(missing.standardError)")
    }
}
