import ArgumentParser
import Calibration
import FootfallCore
import Foundation

/// `footfall convert uji`: one area of the UJI BLE RSS dataset as a surveyed store with a test trace.
struct ConvertUJICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uji",
        abstract: "Convert an area of the UJI BLE dataset into store.yaml, survey.csv and a test trace with its truth.",
        discussion: """
            G. M. Mendoza-Silva et al., Data 4(1):12, 2019; data doi 10.5281/zenodo.1618692, CC BY \
            4.0. A phone heard fixed beacons; by reciprocity each beacon is written as a sensor \
            (2 m up) and each phone as a device (1.2 m up). The survey and the test are on \
            different points: in the library campaign 2 is the survey and campaign 3 the test; \
            in the office the points are split like a chessboard, the survey at the beacons' \
            -12 dBm setting, the test at all three.
            """
    )

    @Option(help: "The dataset's data folder (dep/, rss/).")
    var dataset: String = "../shared/datasets/ble-uji-library-office/data"

    @Option(help: "Which area: library or office.")
    var area: String = "library"

    @Option(help: "The folder to write the store into.")
    var out: String

    func validate() throws {
        guard ["library", "office"].contains(area) else {
            throw ValidationError("--area must be library or office, not '\(area)'")
        }
    }

    func read(_ relative: String) throws -> String {
        let path = (dataset as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path) not found; pass --dataset the data folder of the UJI BLE dataset (dep/, rss/)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    func run() throws {
        let area: UJIDataset.Area = self.area == "library" ? .library : .office
        let code = area.rawValue
        do {
            let beacons = try UJIDataset.beacons(depCSV: read("dep/\(code).csv"), file: "dep/\(code).csv")
            let fingerprints = try UJIDataset.fingerprints(
                rss: read("rss/\(code)_rss.csv"), times: read("rss/\(code)_tms.csv"), coordinates: read("rss/\(code)_crd.csv"),
                ids: read("rss/\(code)_ids.csv"), beaconCount: beacons.count, area: area)
            let layout = UJIDataset.layout(area: area, beacons: beacons, fingerprints: fingerprints)
            let (surveyPrints, testPrints) = UJIDataset.split(fingerprints, area: area)
            let survey = UJIDataset.survey(surveyPrints, beacons: beacons, area: area)
            let observations = UJIDataset.observations(testPrints, beacons: beacons, area: area)
            let truth = UJIDataset.truth(testPrints, area: area)

            let storeText = StoreFileText.yaml(layout, header: Self.header(area), sensorsComment: ["# The beacons (dep/\(code).csv), 2 m up: the dataset gives their floor positions only."])
            let surveyText = SurveyCodec.surveyText(survey)
            try prepareConvertedStore(yaml: storeText, survey: surveyText, in: out)
            try writeText(storeText, to: (out as NSString).appendingPathComponent("store.yaml"))
            try writeText(surveyText, to: (out as NSString).appendingPathComponent("survey.csv"))
            let writer = try TraceWriter(path: (out as NSString).appendingPathComponent("trace.csv"))
            for o in observations { writer.write(o) }
            try writer.close()
            try writeText(SurveyCodec.truthText(truth), to: (out as NSString).appendingPathComponent("trace.truth.csv"))
            _ = try StoreConfiguration.load(path: (out as NSString).appendingPathComponent("store.yaml"))
            let surveyPoints = Set(surveyPrints.map { "\($0.position.x),\($0.position.y)" }).count
            let testPoints = Set(testPrints.map { "\($0.position.x),\($0.position.y)" }).count
            print("wrote \(out): store.yaml (\(layout.sensors.count) sensors), survey.csv (\(survey.count) readings at \(surveyPoints) points), trace.csv (\(observations.count) observations of \(Set(observations.map(\.device)).count) devices at \(testPoints) other points), trace.truth.csv (\(truth.count) positions)")
        } catch let error as UJIDataset.ParseError {
            throw CommandFailure("\((dataset as NSString).appendingPathComponent(error.file)):\(error.line): \(error.message)")
        }
    }

    static func header(_ area: UJIDataset.Area) -> [String] {
        [
            "# \(area.name), converted by `footfall convert uji --area \(area == .library ? "library" : "office")`.",
            "# G. M. Mendoza-Silva et al., Data 4(1):12, 2019; data doi 10.5281/zenodo.1618692, CC BY 4.0.",
            "# A phone heard fixed beacons: each beacon is a sensor here (reciprocity). The outline is",
            "# the bounding box of the beacons and reference points, 1 m wider. Metres in the dataset's frame.",
        ]
    }
}
