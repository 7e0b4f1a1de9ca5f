import ArgumentParser
import Calibration
import FootfallCore
import Foundation

/// `footfall convert kolakowski`: the Kolakowski BLE flat dataset as a surveyed store.
struct ConvertKolakowskiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kolakowski",
        abstract: "Convert the Kolakowski BLE flat dataset into store.yaml, survey.csv and a trace with its truth.",
        // One line a paragraph: ArgumentParser wraps each to the terminal, so a line broken
        // here would be broken again there, mid-phrase.
        discussion: """
            M. Kolakowski, Sensors 21(18):6270, 2021 (doi 10.3390/s21186270); data doi 10.5281/zenodo.5457591, CC BY 4.0.

            Writes store.yaml (walls, rooms as zones, the six anchors), survey.csv (calibration_df.csv, every --every-th robot row), trace.csv and trace.truth.csv (the robot's test path, test_robot_df.csv).
            """
    )

    @Option(help: "The dataset folder (anchors.csv, layout.csv, calibration/, tests/).")
    var dataset: String = "../shared/datasets/ble-flat-kolakowski"

    @Option(help: "The folder to write the store into.")
    var out: String = "calibration/kolakowski-flat"

    @Option(parsing: .unconditional, help: "Keep every n-th calibration row in the survey (the robot stops every 0.3 s; 1 keeps all).")
    var every: Int = 8

    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every must be 1 or more") }
    }

    func read(_ relative: String) throws -> String {
        let path = (dataset as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path) not found; pass --dataset the folder of the Kolakowski BLE flat dataset (anchors.csv, layout.csv, calibration/, tests/)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    func run() throws {
        do {
            let layout = try KolakowskiDataset.layout(anchorsCSV: read("anchors.csv"), layoutCSV: read("layout.csv"))
            let calibrationRows = try KolakowskiDataset.rows(read("calibration/calibration_df.csv"), file: "calibration/calibration_df.csv")
            let kept = calibrationRows.enumerated().filter { $0.offset % every == 0 }.map(\.element)
            let survey = KolakowskiDataset.survey(kept, layout: layout)
            let testRows = try KolakowskiDataset.rows(read("tests/test_robot_df.csv"), file: "tests/test_robot_df.csv")
            let observations = testRows.flatMap(KolakowskiDataset.observations)
            let truth = KolakowskiDataset.truth(testRows, layout: layout)

            let storeText = Self.storeYAML(layout), surveyText = SurveyCodec.surveyText(survey)
            try prepareConvertedStore(yaml: storeText, survey: surveyText, in: out)
            try writeText(storeText, to: (out as NSString).appendingPathComponent("store.yaml"))
            try writeText(surveyText, to: (out as NSString).appendingPathComponent("survey.csv"))
            let tracePath = (out as NSString).appendingPathComponent("trace.csv")
            let writer = try TraceWriter(path: tracePath)
            for o in observations { writer.write(o) }
            try writer.close()
            try writeText(SurveyCodec.truthText(truth), to: (out as NSString).appendingPathComponent("trace.truth.csv"))
            // The store must read back: the conversion is checked by the configuration reader.
            _ = try StoreConfiguration.load(path: (out as NSString).appendingPathComponent("store.yaml"))
            print("wrote \(out): store.yaml (\(layout.sensors.count) sensors, \(layout.zones.count) zones), survey.csv (\(survey.count) readings at \(kept.count) points), trace.csv (\(observations.count) observations), trace.truth.csv (\(truth.count) positions)")
        } catch let error as KolakowskiDataset.ParseError {
            throw CommandFailure("\((dataset as NSString).appendingPathComponent(error.file)):\(error.line): \(error.message)")
        }
    }

    /// The store configuration, with comments on where each part comes from.
    static func storeYAML(_ layout: StoreLayout) -> String {
        StoreFileText.yaml(
            layout,
            header: [
                "# The Kolakowski BLE flat, converted by `footfall convert kolakowski` (see README.md here).",
                "# M. Kolakowski, Sensors 21(18):6270, 2021, doi 10.3390/s21186270; data doi",
                "# 10.5281/zenodo.5457591, CC BY 4.0. Metres in the dataset's frame; the tag rides 1.3 m up on the robot.",
            ],
            zonesComment: ["# The dataset names no rooms: these rectangles are read off the walls."],
            sensorsComment: ["# The six anchors (anchors.csv); path loss is fitted by `footfall calibrate fit` into fitted.yaml."])
    }
}
