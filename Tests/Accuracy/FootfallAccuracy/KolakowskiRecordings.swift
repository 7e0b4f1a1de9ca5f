import Calibration
import FootfallCore

/// The Kolakowski BLE flat (six anchors, a robot's odometry as truth, a person's walk along a
/// known path), as `footfall convert kolakowski` makes its store: the walls as the outline, the
/// rooms as zones, the anchors at their heights, no path loss.
enum KolakowskiRecordings {
    static let folder = "ble-flat-kolakowski"

    static func make(datasets: String) throws -> [Recording] {
        let files = try DatasetFiles(datasets: datasets, dataset: folder)
        let layout = try KolakowskiDataset.layout(anchorsCSV: files.text("anchors.csv"), layoutCSV: files.text("layout.csv"))
        let calibration = try KolakowskiDataset.rows(files.text("calibration/calibration_df.csv"), file: "calibration/calibration_df.csv")
        let survey = KolakowskiDataset.survey(calibration, layout: layout)
        let configuration = StoreConfiguration(file: "\(folder) (converted)", layout: layout)
        let surveyNotes = "Survey: all \(calibration.count) rows of calibration/calibration_df.csv (the robot's calibration drive, \(survey.count) readings), as KolakowskiTests uses it; the test rows are a separate drive."

        let robot = try KolakowskiDataset.rows(files.text("tests/test_robot_df.csv"), file: "tests/test_robot_df.csv")
        let robotSamples = KolakowskiDataset.truth(robot, layout: layout).map {
            CausalScoring.Sample(time: $0.time, device: $0.device, truth: .point($0.position), zone: $0.zone)
        }
        let robotRecording = Recording(
            configuration: configuration, source: .recorded(robot.flatMap(KolakowskiDataset.observations), robotSamples),
            variants: [
                .init(name: "kolakowski robot, survey", survey: { survey }, notes: surveyNotes),
                Recording.withoutSurvey("kolakowski robot"),
            ],
            scoresZones: true,
            notes: "The flat's \(layout.sensors.count) anchors hear a tag 1.3 m up on a robot; tests/test_robot_df.csv (\(robot.count) rows) is fed row by row, each row's readings at its time, and each row's odometry is a truth sample (zone: the room it is in).")

        let walk = try KolakowskiDataset.rows(files.text("tests/test_walk_df.csv"), file: "tests/test_walk_df.csv")
        let path = try KolakowskiDataset.path(files.text("tests/path_reference.csv"), file: "tests/path_reference.csv")
        let walkSamples = walk.map { CausalScoring.Sample(time: $0.time, device: KolakowskiDataset.device, truth: .path(path)) }
        let walkRecording = Recording(
            configuration: configuration, source: .recorded(walk.flatMap(KolakowskiDataset.observations), walkSamples),
            variants: [
                Recording.withoutSurvey("kolakowski walk"),
                .init(name: "kolakowski walk, survey", survey: { survey }, notes: surveyNotes),
            ],
            scoresZones: false,
            notes: "A person carries the tag along a known path; tests/test_walk_df.csv (\(walk.count) rows) has no position per row, so each row's time is scored by the distance from the estimate to the nearest of the \(path.segments.count) segments of tests/path_reference.csv (the error across the path, not the lag along it), the baselines alike. No zones scored.")
        return [robotRecording, walkRecording]
    }
}
