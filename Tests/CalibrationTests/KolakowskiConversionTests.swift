import Calibration
import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// The documented conversion of the Kolakowski BLE flat (../shared/datasets) into a store.
@Suite struct KolakowskiConversionTests {
    static let dataset = Fixtures.dataset("ble-flat-kolakowski")
    static var available: Bool { FileManager.default.fileExists(atPath: dataset.appendingPathComponent("anchors.csv").path) }

    @Test func aBadCellNamesItsFileAndLine() {
        let text = ",ts,x,heading,y,rssi_1,rssi_2\n0,1e18,1,0,1,-50,-60\n1,1e18,1,0,1,-50,loud\n"
        #expect(throws: KolakowskiDataset.ParseError(file: "calibration_df.csv", line: 3, message: "rssi_2: 'loud' is not a number of dBm")) {
            try KolakowskiDataset.rows(text, file: "calibration_df.csv")
        }
    }

    @Test func rowsBecomeOneSamplePerAnchorHeardWithNanosecondsAsSeconds() throws {
        let text = ",ts,x,heading,y,rssi_1,rssi_2,rssi_3\n0,1627997452227000000,4.2,0,3.6,-54.0,,-49.5\n"
        let rows = try KolakowskiDataset.rows(text)
        let survey = KolakowskiDataset.survey(rows)
        #expect(survey.map(\.sensor) == ["1", "3"])
        #expect(abs(survey[0].time - 1_627_997_452.227) < 1e-6)
        #expect(survey[1].rssi == -49.5)
        #expect(survey[0].point == Point(x: 4.2, y: 3.6))
    }

    @Test(.enabled(if: available)) func theFlatConvertsToAStoreThatLoadsAndChecksWithALeaveOneOutMedianUnder1_6Metres() async throws {
        let directory = Fixtures.temporaryDirectory("kolakowski")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("flat").path
        let convert = try await FootfallProcess.run(["convert", "kolakowski", "--dataset", Self.dataset.path, "--out", out])
        #expect(convert.status == 0, "\(convert.standardError)")
        #expect(convert.standardOutput.contains("survey.csv (2796 readings at 513 points), trace.csv (4314 observations), trace.truth.csv (719 positions)"))
        let configuration = try StoreConfiguration.load(path: out + "/store.yaml")
        #expect(configuration.layout.sensors.count == 6)
        #expect(configuration.layout.zones.map(\.id) == ["west-room", "east-room", "hall", "south-strip"])
        #expect(configuration.layout.deviceHeight == 1.3)

        let check = try await FootfallProcess.run(["calibrate", "check", "--store", out, "--quiet"])
        #expect(check.status == 0, "\(check.standardError)")
        let overall = try #require(check.standardOutput.split(separator: "\n").first { $0.hasPrefix("overall") })
        // "overall         median 1.29 m, p90 2.36 m over 513 points"
        let words = overall.split(separator: " ")
        let median = try #require(Double(words[2]))
        #expect(median <= 1.6, "\(overall)")
    }
}
