import Calibration
import FootfallCore

/// The UJI BLE library and office, made exactly as `footfall convert uji` makes them: each
/// beacon a sensor 2 m up, each phone (and beacon power) a device, the survey and the test on
/// different reference points (`UJIDataset.split`).
enum UJIRecordings {
    static let folder = "ble-uji-library-office"

    static func make(datasets: String) throws -> [Recording] {
        let files = try DatasetFiles(datasets: datasets, dataset: folder)
        return try UJIDataset.Area.allCases.map { try recording(area: $0, files: files) }
    }

    static func recording(area: UJIDataset.Area, files: DatasetFiles) throws -> Recording {
        let code = area.rawValue
        let beacons = try UJIDataset.beacons(depCSV: files.text("data/dep/\(code).csv"), file: "dep/\(code).csv")
        let fingerprints = try UJIDataset.fingerprints(
            rss: files.text("data/rss/\(code)_rss.csv"), times: files.text("data/rss/\(code)_tms.csv"),
            coordinates: files.text("data/rss/\(code)_crd.csv"), ids: files.text("data/rss/\(code)_ids.csv"),
            beaconCount: beacons.count, area: area)
        let layout = UJIDataset.layout(area: area, beacons: beacons, fingerprints: fingerprints)
        let (surveyPrints, testPrints) = UJIDataset.split(fingerprints, area: area)
        let survey = UJIDataset.survey(surveyPrints, beacons: beacons, area: area)
        let samples = UJIDataset.truth(testPrints, area: area).map {
            CausalScoring.Sample(time: $0.time, device: $0.device, truth: .point($0.position))
        }
        func points(_ prints: [UJIDataset.Fingerprint]) -> Int { Set(prints.map(\.position)).count }
        let name = area == .library ? "uji library" : "uji office"
        let split = area == .library
            ? "campaign 2 (\(surveyPrints.count) fingerprints at \(points(surveyPrints)) points, all three phones) is the survey and campaign 3 (\(testPrints.count) fingerprints at \(points(testPrints)) other points) the test, as the dataset's authors split it"
            : "one campaign, so the reference points are split like a chessboard: the survey is the beacons' −12 dBm setting on one colour (\(surveyPrints.count) fingerprints at \(points(surveyPrints)) points), the test every power on the other (\(testPrints.count) fingerprints at \(points(testPrints)) points)"
        return Recording(
            configuration: StoreConfiguration(file: "\(area.storeID) (converted)", layout: layout),
            source: .recorded(UJIDataset.observations(testPrints, beacons: beacons, area: area), samples),
            variants: [
                .init(name: "\(name), survey", survey: { survey }, notes: "Survey: \(survey.count) readings of the survey fingerprints."),
                Recording.withoutSurvey(name),
            ],
            scoresZones: false,
            notes: "\(area.name): a phone heard \(beacons.count) fixed beacons; by reciprocity each beacon is a sensor 2 m up and each phone (with the beacons' power setting) a device 1.2 m up, the outline the beacons' and points' bounding box 1 m wider, no zones. Split: \(split). Each test reading is fed at its own detection time; each fingerprint is one truth sample at its last detection.")
    }
}
