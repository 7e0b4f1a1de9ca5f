import FootfallTesting
import Foundation
import Testing

/// The offline commands' audit (simulate, replay, the dataset converters): outputs that would
/// replace the store's own files, a replay that fails late, sizes without a bound, line ends,
/// and keys that come and go.
extension CommandLineTests {
    /// A store folder of its own: the Kolakowski flat's, with its survey and fitted.yaml.
    func kolakowskiCopy(in directory: URL) throws -> URL {
        let copy = directory.appendingPathComponent("flat")
        try FileManager.default.copyItem(at: Fixtures.packageRoot.appendingPathComponent("calibration/kolakowski-flat"), to: copy)
        return copy
    }

    /// `--events`, `--positions` or `--analytics` naming the store file, the survey fitted.yaml
    /// names, or a file in `--data` replaced it and exited 0 (audit: the database emptied).
    @Test func replayOutputsMayNotReplaceTheStoresFilesNorItsData() async throws {
        let directory = Fixtures.temporaryDirectory("replay-outputs")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try kolakowskiCopy(in: directory)
        let trace = store.appendingPathComponent("trace.csv").path
        for (option, target, says) in [
            ("--events", "store.yaml", "is the store file"), ("--positions", "survey.csv", "is the survey"),
            ("--analytics", "fitted.yaml", "is its fitted.yaml"),
        ] {
            let path = store.appendingPathComponent(target).path
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let result = try await FootfallProcess.run(["replay", trace, "--store", store.path, option, path])
            expectOneLineFailure(result, mentioning: [option, says])
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(target) was replaced")
        }
        let data = directory.appendingPathComponent("data").path
        let inData = try await FootfallProcess.run(["replay", trace, "--store", store.path, "--data", data, "--events", data + "/gateway.sqlite"])
        expectOneLineFailure(inData, mentioning: ["is in the --data directory"])
        // Through a link to the folder, with the file not there yet (review: taken as another file).
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("here").path, withDestinationPath: store.path)
        try FileManager.default.removeItem(at: store.appendingPathComponent("fitted.yaml"))
        let linked = try await FootfallProcess.run(["replay", trace, "--store", store.path, "--analytics", directory.appendingPathComponent("here/fitted.yaml").path])
        expectOneLineFailure(linked, mentioning: ["--analytics", "is its fitted.yaml"])
        // Devices are no files: two outputs to /dev/null are not "the same file".
        let discarded = try await FootfallProcess.run(["replay", trace, "--store", store.path, "--events", "/dev/null", "--positions", "/dev/null"])
        #expect(discarded.status == 0, "\(discarded.standardError)")
    }

    /// An output that cannot be made (its folder missing) fails the replay before the others
    /// are replaced (audit: the events and positions were in place when the analytics failed).
    @Test func aReplayThatFailsLateReplacesNoOutput() async throws {
        let directory = Fixtures.temporaryDirectory("replay-late")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try kolakowskiCopy(in: directory)
        let events = try write("OLD\n", "events.jsonl", in: directory)
        let result = try await FootfallProcess.run([
            "replay", store.appendingPathComponent("trace.csv").path, "--store", store.path, "--events", events,
            "--analytics", directory.appendingPathComponent("missing/analytics.json").path,
        ])
        expectOneLineFailure(result, mentioning: ["analytics.json", "cannot be created"])
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "OLD\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".partial-") }
        #expect(left.isEmpty, "\(left)")
    }

    /// A trace out of time order, one with only its header, unknown sensors named like
    /// addresses, a truth of another trace: said, masked, and `--json`'s keys all there.
    @Test func replaySaysWhatTheTraceHeldAndItsJSONKeepsItsKeys() async throws {
        let directory = Fixtures.temporaryDirectory("replay-edges")
        defer { try? FileManager.default.removeItem(at: directory) }
        let reversed = try write("time,sensor,device,rssi\n1767603635,s1,ble:c4:00:00:00:00:01,-60\n1767603600,s1,ble:c4:00:00:00:00:01,-61\n", "rev.csv", in: directory)
        let replayed = try await FootfallProcess.run(["replay", reversed, "--store", "demo-store"])
        #expect(replayed.standardOutput.contains("(35 s)"), "\(replayed.standardOutput)")
        let header = try write("time,sensor,device,rssi\n", "header.csv", in: directory)
        let empty = try await FootfallProcess.run(["replay", header, "--store", "demo-store"])
        #expect(empty.standardOutput.contains("the trace holds no readings"), "\(empty.standardOutput)")
        let unknown = try write("time,sensor,device,rssi\n1767603600,s1,ble:c4:00:00:00:00:01,-60\n1767603601,AA-BB-CC-DD-EE-FF,ble:c4:00:00:00:00:01,-60\n", "unk.csv", in: directory)
        let json = try await FootfallProcess.run(["replay", unknown, "--store", "demo-store", "--json"])
        #expect(json.status == 0, "\(json.standardError)")
        #expect(!json.standardOutput.contains("AA-BB-CC-DD-EE-FF"), "\(json.standardOutput)")
        // The truth of another device: scored against nothing, said, and every key still there.
        let truth = try write("time,device,x,y,zone\n1767603600,ble:c4:00:00:00:00:99,5,5,\n", "t.truth.csv", in: directory)
        let scored = try await FootfallProcess.run(["replay", unknown, "--store", "demo-store", "--truth", truth, "--json"])
        #expect(scored.standardError.contains("is it this trace's truth?"), "\(scored.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(scored.standardOutput.utf8)) as? [String: Any])
        let error = try #require(object["position_error_m"] as? [String: Any])
        #expect(error["median"] is NSNull && error["p90"] is NSNull, "\(error)")
        #expect(object.keys.contains("zone_accuracy"))
    }

    @Test func simulationSizesAreBoundedTogether() async throws {
        let week = try await FootfallProcess.run(["simulate", "--store", "demo-store", "--hours", "168", "--shoppers-per-hour", "10000", "--out", "/tmp/never.csv"])
        expectOneLineFailure(week, mentioning: ["1680000 shoppers", "at most 100000"])
        let dwell = try await FootfallProcess.run(["simulate-survey", "--store", "demo-store", "--dwell", "1e300", "--out", "/tmp/never.csv"])
        expectOneLineFailure(dwell, mentioning: ["--dwell must be from 1 to 3600 seconds"])
    }

    /// A dataset saved with Windows line ends was one line (Swift's "\r\n" is one Character),
    /// and a NaN reading went into the trace to be refused only by replay (audit).
    @Test func theKolakowskiConverterReadsCRLFAndRefusesAReadingNoRadioGives() async throws {
        let directory = Fixtures.temporaryDirectory("convert-crlf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = Fixtures.dataset("ble-flat-kolakowski")
        let dataset = directory.appendingPathComponent("dataset")
        for file in ["anchors.csv", "layout.csv", "calibration/calibration_df.csv", "tests/test_robot_df.csv"] {
            let text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
            let target = dataset.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.replacingOccurrences(of: "\n", with: "\r\n").write(to: target, atomically: true, encoding: .utf8)
        }
        let out = directory.appendingPathComponent("out").path
        let converted = try await FootfallProcess.run(["convert", "kolakowski", "--dataset", dataset.path, "--out", out])
        #expect(converted.status == 0, "\(converted.standardError)")
        #expect(converted.standardOutput.contains("6 sensors, 4 zones"), "\(converted.standardOutput)")
        // One reading made NaN, line 3 of the test path.
        let test = dataset.appendingPathComponent("tests/test_robot_df.csv")
        var lines = try String(contentsOf: test, encoding: .utf8).components(separatedBy: "\r\n")
        let header = lines[0].components(separatedBy: ",")
        let column = try #require(header.firstIndex { $0.hasPrefix("rssi_") })
        var cells = lines[2].components(separatedBy: ",")
        cells[column] = "nan"
        lines[2] = cells.joined(separator: ",")
        try lines.joined(separator: "\r\n").write(to: test, atomically: true, encoding: .utf8)
        let refused = try await FootfallProcess.run(["convert", "kolakowski", "--dataset", dataset.path, "--out", directory.appendingPathComponent("out2").path])
        expectOneLineFailure(refused, mentioning: ["tests/test_robot_df.csv:3:", "nan is not an RSSI"])
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out2/store.yaml").path), "nothing written")
    }
}
