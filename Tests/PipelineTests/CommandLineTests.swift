import FootfallTesting
import Foundation
import Testing

/// The real `footfall` binary: bad input gives one clear line and a non-zero exit, never a crash.
@Suite struct CommandLineTests {
    func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func expectOneLineFailure(_ result: FootfallProcess.Result, mentioning words: [String]) {
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.standardError)")
        for word in words { #expect(result.standardError.contains(word), "\(result.standardError) should mention \(word)") }
    }

    @Test func aMissingTraceIsOneLineAndANonZeroExit() async throws {
        let result = try await FootfallProcess.run(["replay", "/nonexistent/trace.csv", "--store", "demo-store"])
        expectOneLineFailure(result, mentioning: ["/nonexistent/trace.csv", "does not exist"])
        // The whole file is the problem: no line number.
        #expect(!result.standardError.contains("trace.csv:0"))
    }

    @Test func aWrongHeaderIsOneLine() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("timestamp,sensor,device,rssi\n1,s1,d,-60\n", "t.csv", in: directory)
        expectOneLineFailure(try await FootfallProcess.run(["replay", trace, "--store", "demo-store"]), mentioning: ["t.csv:1", "timestamp"])
    }

    @Test func aNonNumericRSSINamesTheLine() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,s1,d,-60\n2,s1,d,loud\n", "t.csv", in: directory)
        expectOneLineFailure(try await FootfallProcess.run(["replay", trace, "--store", "demo-store"]), mentioning: ["t.csv:3:", "rssi", "'loud'"])
    }

    @Test func aPolygonThatCrossesItselfNamesFileLineAndField() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try write("""
            store:
              id: bad
              outline: [[0, 0], [10, 10], [10, 0], [0, 10]]
            sensors:
              - id: s1
                position: [1, 1, 2.8]
            """, "store.yaml", in: directory)
        let result = try await FootfallProcess.run(["simulate", "--store", store, "--out", directory.appendingPathComponent("t.csv").path])
        expectOneLineFailure(result, mentioning: ["store.yaml:3:", "store.outline", "crosses itself"])
    }

    @Test func aBadIdentityKeyNamesTheKeysFileLineAndField() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try write("""
            store:
              id: keys
              outline: [[0, 0], [10, 0], [10, 10], [0, 10]]
            sensors:
              - id: s1
                position: [5, 5, 2.8]
            identity:
              identity_keys: keys.csv
            """, "store.yaml", in: directory)
        _ = try write("name,irk\nloyalty-42,ec0234a357c8ad05341010a60a397d9b\nbroken,ec02\n", "keys.csv", in: directory)
        let trace = try write("time,sensor,device,rssi\n1,s1,ble-rpa:70:81:94:0d:fb:aa,-60\n", "t.csv", in: directory)
        let result = try await FootfallProcess.run(["replay", trace, "--store", store])
        expectOneLineFailure(result, mentioning: ["keys.csv:3:8", "irk", "32 hex digits"])
    }

    @Test func aRadioOptionOutOfRangeIsRefusedWithItsRange() async throws {
        // An option's own check: one line with where to read about the option, no usage dump.
        let result = try await FootfallProcess.run(["simulate", "--store", "demo-store", "--body-loss", "7", "--out", "/tmp/x.csv"])
        expectOneLineFailure(result, mentioning: [])
        #expect(result.standardError == "Error: --body-loss must be a scale between 0 and 5 (see 'footfall simulate --help')\n")
        #expect(result.status == 64)
    }

    @Test func anOptionThatCannotBeParsedIsOneLineNamingIt() async throws {
        let result = try await FootfallProcess.run(["simulate", "--store", "demo-store", "--hours", "soon", "--out", "/tmp/x.csv"])
        expectOneLineFailure(result, mentioning: ["--hours", "soon", "footfall simulate --help"])
        let missing = try await FootfallProcess.run(["visits", "erase"])
        expectOneLineFailure(missing, mentioning: ["--device", "footfall visits erase --help"])
    }

    @Test func helpIsStillPrintedWhole() async throws {
        let result = try await FootfallProcess.run(["simulate", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: footfall simulate"))
        #expect(result.standardOutput.contains("--body-loss"))
    }

    @Test func versionPrintsTheRelease() async throws {
        let result = try await FootfallProcess.run(["--version"])
        #expect(result.status == 0)
        // One line, a Debian upstream version (packaging/build-deb.sh builds on it): 0.1.0.
        let line = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.split(separator: ".").count == 3 && line.allSatisfy { $0.isNumber || $0 == "." }, "\(line)")
        let help = try await FootfallProcess.run(["--help"])
        #expect(help.standardOutput.contains("--version"))
    }

    @Test func aStoreFolderThatIsNotThereIsNamedAsGiven() async throws {
        let result = try await FootfallProcess.run(["simulate", "--store", "/nonexistent/store-folder", "--out", "/tmp/x.csv"])
        expectOneLineFailure(result, mentioning: ["/nonexistent/store-folder/store.yaml", "does not exist"])
        #expect(!result.standardError.contains("calibration//"))
    }

    @Test func anUnknownStoreNameSaysWhereItLooked() async throws {
        let result = try await FootfallProcess.run(["simulate", "--store", "no-such-store", "--out", "/tmp/x.csv"])
        expectOneLineFailure(result, mentioning: ["calibration/no-such-store/store.yaml", "does not exist"])
    }

    @Test func simulateThenReplayPrintsTheReport() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("t.csv").path
        let simulated = try await FootfallProcess.run(["simulate", "--store", "demo-store", "--hours", "0.05", "--shoppers-per-hour", "120", "--seed", "9", "--out", trace])
        #expect(simulated.status == 0, "\(simulated.standardError)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("t.truth.csv").path))
        let replayed = try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--truth", directory.appendingPathComponent("t.truth.csv").path, "--json"])
        #expect(replayed.status == 0, "\(replayed.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(replayed.standardOutput.utf8)) as? [String: Any])
        #expect((json["observations"] as? Int ?? 0) > 1000)
        #expect(json["position_error_m"] != nil)
    }

    /// A copy of the bodies cut short keeps the bodies before the cut, as a cut capture does; a
    /// broken body elsewhere is refused by its line (audit: both lost every body, and a broken
    /// pretty-printed body was said to be "not JSON" at its first byte).
    @Test func convertMerakiKeepsWhatCameBeforeACutAndNamesABrokenLine() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bodies = try String(contentsOf: Fixtures.dataset("meraki-scanning-v3/webhook-bodies.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let first = try #require(bodies.first)
        let out = directory.appendingPathComponent("t.csv").path
        let cut = try write(first + "\n" + String(bodies[1].prefix(200)), "cut.jsonl", in: directory)
        let kept = try await FootfallProcess.run(["convert", "meraki", cut, "--out", out])
        #expect(kept.status == 0, "\(kept.standardError)")
        #expect(kept.standardError.contains("line 2 ends with the file, mid-body"), "\(kept.standardError)")
        #expect(kept.standardOutput.contains(": 1 bodies;"), "\(kept.standardOutput)")
        let broken = try write(first + "\n{\"version\":\"3.0\"}\n" + first + "\n", "broken.jsonl", in: directory)
        let refused = try await FootfallProcess.run(["convert", "meraki", broken, "--out", out])
        expectOneLineFailure(refused, mentioning: ["broken.jsonl: line 2:", "type"])
    }

    @Test func aCommandThatFailsLeavesItsOutputFilesAsTheyWere() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let earlier = "time,sensor,device,rssi\n1,s1,d1,-60\n"
        let out = try write(earlier, "earlier.csv", in: directory)
        let events = try write("{\"earlier\":true}\n", "events.jsonl", in: directory)
        let garbage = try write("not a capture at all", "garbage.jsonl", in: directory)
        let convert = try await FootfallProcess.run(["convert", "meraki", garbage, "--out", out])
        #expect(convert.status != 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == earlier)
        let trace = try write("time,sensor,device,rssi\n1,s1,d1,-60\n2,s1,d1,strong\n", "t.csv", in: directory)
        let replay = try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--events", events])
        #expect(replay.status != 0)
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "{\"earlier\":true}\n")
        // Nothing half-written is left beside them.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".partial-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func eventsCanGoToStandardOutput() async throws {
        // Not a regular file: written as it comes, not beside it and renamed.
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("t.csv").path
        let simulated = try await FootfallProcess.run(["simulate", "--store", "demo-store", "--hours", "0.05", "--shoppers-per-hour", "300", "--seed", "3", "--out", trace, "--quiet"])
        #expect(simulated.status == 0, "\(simulated.standardError)")
        let result = try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--events", "/dev/stdout", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains(#""type":"store.entered""#))
    }

    @Test func anOutputThroughASymbolicLinkReplacesTheFileItNames() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,s1,d1,-60\n2,s1,d1,-61\n", "t.csv", in: directory)
        let real = try write("earlier\n", "real.csv", in: directory)
        let link = directory.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let result = try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--positions", link])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try String(contentsOfFile: real, encoding: .utf8).hasPrefix("time,device,x,y"))
    }

    @Test func replayRefusesToWriteOverItsInput() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,s1,d1,-60\n", "t.csv", in: directory)
        let result = try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--positions", directory.appendingPathComponent("./t.csv").path])
        expectOneLineFailure(result, mentioning: ["--positions", "is the trace", "write to another file"])
        #expect(try String(contentsOfFile: trace, encoding: .utf8) == "time,sensor,device,rssi\n1,s1,d1,-60\n")
    }

    @Test func aSurveyOfAnotherStoreIsRefusedWithItsLine() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,s1,d1,-60\n", "t.csv", in: directory)
        let unknown = try write("time,sensor,device,rssi,x,y\n1,s1,d,-60,5,5\n2,s99,d,-60,5,5\n", "s.csv", in: directory)
        expectOneLineFailure(
            try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--survey", unknown]),
            mentioning: ["s.csv:3", "sensor 's99' is not in the store"])
        let far = try write("time,sensor,device,rssi,x,y\n1,s1,d,-60,5000,5\n", "far.csv", in: directory)
        expectOneLineFailure(
            try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--survey", far]),
            mentioning: ["far.csv:2", "outside the store outline"])
    }
}
