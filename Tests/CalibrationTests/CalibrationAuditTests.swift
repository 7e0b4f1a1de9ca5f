import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// What an audit of the calibration commands found, each through the real binary.
@Suite struct CalibrationAuditTests {
    func store(_ directory: URL) -> String { directory.appendingPathComponent("store.yaml").path }

    /// A survey is fitted as BLE: Wi-Fi probe requests of a phone (about 14 dB louder at a
    /// metre) are left out; an address the way a phone shows it (upper case) is the trace's; an
    /// address picked as the device heard most is written under a pseudonym, the same at each
    /// point, never as itself.
    @Test func recordKeepsBLEReadingsOnlyMatchesAnAddressInAnyCaseAndWritesNoAddress() async throws {
        let directory = try SurveyedStore.folder(survey: [])
        defer { try? FileManager.default.removeItem(at: directory) }
        var trace = "time,sensor,device,rssi,radio\n"
        for t in 0..<20 {
            for s in ["s1", "s2", "s3"] {
                trace += "\(100 + t),\(s),ble:c4:1f:22:90:0c:3e,-\(62 + t % 5),ble\n"
                trace += "\(100 + t),\(s),wifi:3c:22:fb:11:22:33,-\(48 + t % 3),wifi\n"
                trace += "\(100 + t),\(s),wifi:3c:22:fb:11:22:33,-\(48 + t % 3),wifi\n"
            }
        }
        let tracePath = directory.appendingPathComponent("walk.csv").path
        try trace.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let picked = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "5,5", "--seconds", "10", "--source", "trace:\(tracePath)",
        ])
        #expect(picked.status == 0, "\(picked.standardError)")
        #expect(picked.standardOutput.contains("appended 30 readings from 3 of 5 sensors"), "\(picked.standardOutput)")
        #expect(picked.standardOutput.contains("left out 60 Wi-Fi readings"), "\(picked.standardOutput)")
        let again = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "9,5", "--seconds", "5", "--source", "trace:\(tracePath)@110",
        ])
        #expect(again.status == 0, "\(again.standardError)")
        let surveyPath = directory.appendingPathComponent("survey.csv").path
        let written = try String(contentsOfFile: surveyPath, encoding: .utf8)
        #expect(!written.contains("c4:1f:22") && !written.contains("3c:22:fb"), "\(written.prefix(300))")
        let survey = try SurveyCodec.readSurvey(path: surveyPath)
        #expect(survey.count == 45 && Set(survey.map(\.device)).count == 1 && survey[0].device.rawValue.hasPrefix("survey-"))
        #expect(survey.allSatisfy { $0.rssi <= -62 }, "no Wi-Fi reading was taken")

        // Named by the engineer, in upper case: matched, and written under the same pseudonym
        // (an address named is still an address).
        let named = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "12,5", "--seconds", "5", "--device", "ble:C4:1F:22:90:0C:3E",
            "--source", "trace:\(tracePath)",
        ])
        #expect(named.status == 0, "\(named.standardError)")
        #expect(named.standardOutput.contains("appended 15 readings"), "\(named.standardOutput)")
        let all = try SurveyCodec.readSurvey(path: surveyPath)
        #expect(all.count == 60 && Set(all.map(\.device)) == [survey[0].device], "one device, as it is one phone")
        #expect(!(try String(contentsOfFile: surveyPath, encoding: .utf8)).lowercased().contains("c4:1f:22"))
        // Keyed with a secret of the store's folder (0600), not with anything in the survey.
        let key = directory.appendingPathComponent(".survey-key").path
        #expect((try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int) == 0o600)
        let wifiOnly = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "12,5", "--seconds", "5", "--device", "wifi:3c:22:fb:11:22:33",
            "--source", "trace:\(tracePath)",
        ])
        #expect(wifiOnly.status != 0)
        #expect(wifiOnly.standardError.contains("heard over Wi-Fi only"), "\(wifiOnly.standardError)")
        #expect(!wifiOnly.standardError.contains("3c:22:fb"))
    }

    /// The survey is written through a link to it (the file it names gets the point; the link
    /// stays) and keeps its permissions; an empty survey.csv is a new survey.
    @Test func recordWritesThroughALinkKeepsPermissionsAndTakesAnEmptySurveyAsNew() async throws {
        let directory = try SurveyedStore.folder(survey: [])
        defer { try? FileManager.default.removeItem(at: directory) }
        var trace = "time,sensor,device,rssi\n"
        for t in 0..<10 { for s in ["s1", "s2"] { trace += "\(100 + t),\(s),survey-phone,-60\n" } }
        let tracePath = directory.appendingPathComponent("walk.csv").path
        try trace.write(toFile: tracePath, atomically: true, encoding: .utf8)
        let surveys = directory.appendingPathComponent("surveys")
        try FileManager.default.createDirectory(at: surveys, withIntermediateDirectories: true)
        let target = surveys.appendingPathComponent("may.csv").path
        // Empty (made with touch): a new survey, not a file without a header.
        FileManager.default.createFile(atPath: target, contents: Data())
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target)
        let link = directory.appendingPathComponent("survey.csv").path
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "surveys/may.csv")
        let result = try await FootfallProcess.run([
            "calibrate", "record", "--store", store(directory), "--at", "5,5", "--seconds", "10", "--source", "trace:\(tracePath)",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "surveys/may.csv")
        #expect(try SurveyCodec.readSurvey(path: target).count == 20)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o640, "\(String(mode ?? 0, radix: 8))")
    }

    /// A link to a file not made yet is written through (the file made where it points, the
    /// link kept), never replaced by a file every user may write.
    @Test func aLinkToAFileNotMadeYetIsWrittenThrough() async throws {
        let directory = try SurveyedStore.folder(survey: [])
        defer { try? FileManager.default.removeItem(at: directory) }
        let plans = directory.appendingPathComponent("plans")
        try FileManager.default.createDirectory(at: plans, withIntermediateDirectories: true)
        let link = directory.appendingPathComponent("layout.svg").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "plans/layout.svg")
        let result = try await FootfallProcess.run(["zones", "render", "--store", store(directory), "--out", link])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "plans/layout.svg")
        let target = plans.appendingPathComponent("layout.svg").path
        #expect(FileManager.default.fileExists(atPath: target))
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int ?? 0
        #expect(mode & 0o002 == 0, "\(String(mode, radix: 8))")
    }

    /// A fit the loader would refuse (an RSSI at 1 m no receiver gives) is not written: the
    /// sensor keeps its configured model, and replay reads the fitted.yaml.
    @Test func fitWritesNoModelTheStoreWouldRefuse() async throws {
        // s1 heard at -128 dBm, only at the points within 3 m of it: at a metre that is -120 dBm.
        var survey = SurveyedStore.survey().filter { sample in
            sample.sensor != "s1" || sample.point.map { hypot($0.x - 3, $0.y - 3) < 3 } == true
        }
        for index in survey.indices where survey[index].sensor == "s1" { survey[index].rssi = -128 }
        let directory = try SurveyedStore.folder(survey: survey)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fit = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory)])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("s1: its readings fit an RSSI at 1 m of"), "\(fit.standardOutput)")
        let fitted = try String(contentsOfFile: directory.appendingPathComponent("fitted.yaml").path, encoding: .utf8)
        #expect(!fitted.contains("  s1:") && fitted.contains("  s2:"), "\(fitted)")
        let check = try await FootfallProcess.run(["zones", "check", "--store", store(directory)])
        #expect(check.status == 0, "\(check.standardError)")
    }

    /// A survey of one corner fits, and is said to cover little of the floor; one across the
    /// floor is not.
    @Test func fitSaysASurveyOfOneCornerCoversLittleOfTheFloor() async throws {
        let corner = [Point(x: 1, y: 1), Point(x: 3, y: 1), Point(x: 1, y: 3), Point(x: 3, y: 3), Point(x: 5, y: 1), Point(x: 1, y: 5)]
        let directory = try SurveyedStore.folder(survey: SurveyedStore.survey(points: corner))
        defer { try? FileManager.default.removeItem(at: directory) }
        let fit = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory)])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("warning: the survey's points are within 3 m of 20 % of the floor"), "\(fit.standardOutput)")
        let whole = try SurveyedStore.folder(survey: SurveyedStore.survey())
        defer { try? FileManager.default.removeItem(at: whole) }
        let good = try await FootfallProcess.run(["calibrate", "fit", "--store", store(whole)])
        #expect(good.status == 0 && !good.standardOutput.contains("warning: the survey's points"), "\(good.standardOutput)")
    }

    /// The same seed gives the same trace before and after a fit: the simulators take the store
    /// file's radio, not a fitted.yaml beside it.
    @Test func simulatingIsTheSameAfterAFit() async throws {
        let directory = try SurveyedStore.folder(survey: SurveyedStore.survey())
        defer { try? FileManager.default.removeItem(at: directory) }
        func simulate(_ name: String) async throws -> (trace: Data?, survey: Data?) {
            let trace = directory.appendingPathComponent("\(name).csv").path
            let survey = directory.appendingPathComponent("\(name)-survey.csv").path
            let a = try await FootfallProcess.run(["simulate", "--store", store(directory), "--hours", "0.01", "--seed", "3", "--out", trace, "--quiet"])
            #expect(a.status == 0, "\(a.standardError)")
            let b = try await FootfallProcess.run(["simulate-survey", "--store", store(directory), "--seed", "3", "--spacing", "4", "--dwell", "2", "--out", survey])
            #expect(b.status == 0, "\(b.standardError)")
            return (FileManager.default.contents(atPath: trace), FileManager.default.contents(atPath: survey))
        }
        let before = try await simulate("before")
        // A fit far from the store file's models: every reading 20 dB weaker.
        var weak = SurveyedStore.survey()
        for index in weak.indices { weak[index].rssi -= 20 }
        try SurveyCodec.surveyText(weak).write(to: directory.appendingPathComponent("weak.csv"), atomically: true, encoding: .utf8)
        let fit = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory), "--survey", directory.appendingPathComponent("weak.csv").path])
        #expect(fit.status == 0, "\(fit.standardError)")
        let after = try await simulate("after")
        #expect(before.trace != nil && before.trace == after.trace)
        #expect(before.survey != nil && before.survey == after.survey)
    }
}
