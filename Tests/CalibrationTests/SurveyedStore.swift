import FootfallCore
import FootfallTesting
import Foundation
import Simulation

/// A small surveyed store: 20 × 12 m, three zones, five ceiling sensors each with its own
/// known path loss, and a survey generated from that model with seeded Gaussian noise, so a
/// fit can be checked against the parameters that made the readings.
enum SurveyedStore {
    static let outline = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 20, y: 12))
    static let zones = [
        Zone(id: "fresh", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 8, y: 12))),
        Zone(id: "aisles", polygon: Polygon(rectangleFrom: Point(x: 8, y: 0), to: Point(x: 15, y: 12))),
        Zone(id: "tills", polygon: Polygon(rectangleFrom: Point(x: 15, y: 0), to: Point(x: 20, y: 12))),
    ]
    /// The parameters the readings are generated with.
    static let truePathLoss: [SensorID: PathLoss] = [
        "s1": PathLoss(rssiAt1m: -55, exponent: 2.0),
        "s2": PathLoss(rssiAt1m: -62, exponent: 2.4),
        "s3": PathLoss(rssiAt1m: -58, exponent: 1.8),
        "s4": PathLoss(rssiAt1m: -60, exponent: 2.6),
        "s5": PathLoss(rssiAt1m: -57, exponent: 2.2),
    ]
    static let sensorPositions: [(SensorID, Point3)] = [
        ("s1", Point3(x: 3, y: 3, z: 2.8)), ("s2", Point3(x: 3, y: 9, z: 2.8)), ("s3", Point3(x: 10, y: 6, z: 2.8)),
        ("s4", Point3(x: 17, y: 3, z: 2.8)), ("s5", Point3(x: 17, y: 9, z: 2.8)),
    ]
    static let deviceHeight = 1.2

    /// The layout as configured: sensors with the default model (the fit must find the truth).
    static var layout: StoreLayout {
        StoreLayout(
            id: "small-store", outline: outline, zones: zones,
            sensors: sensorPositions.map { Sensor(id: $0.0, position: $0.1) }, entrances: [Point(x: 10, y: 0)],
            deviceHeight: deviceHeight)
    }

    /// The survey points: a 2 m grid, 1 m from the walls.
    static var points: [Point] {
        var points: [Point] = []
        for y in Swift.stride(from: 1.0, through: 11, by: 2) {
            for x in Swift.stride(from: 1.0, through: 19, by: 2) { points.append(Point(x: x, y: y)) }
        }
        return points
    }

    /// `readings` readings per sensor per point, 1 s apart, with N(0, noise²) dB added;
    /// `actualPositions` overrides where a sensor really is (to test a wrongly recorded one).
    static func survey(
        seed: UInt64 = 7, noise: Double = 3, readings: Int = 5, points: [Point] = points,
        actualPositions: [SensorID: Point3] = [:], silent: Set<SensorID> = []
    ) -> [SurveySample] {
        var random = RandomSource(seed: seed)
        var samples: [SurveySample] = []
        var time = 1_000.0
        for point in points {
            for r in 0..<readings {
                for (id, configured) in sensorPositions where !silent.contains(id) {
                    let position = actualPositions[id] ?? configured
                    let d = position.distance(to: point, height: deviceHeight)
                    let rssi = truePathLoss[id]!.rssi(atDistance: d) + random.normal(mean: 0, sd: noise)
                    samples.append(SurveySample(
                        time: time + Double(r), sensor: id, device: "survey-phone", rssi: (rssi * 10).rounded() / 10, point: point,
                        zone: layout.zone(containing: point)?.id))
                }
            }
            time += 60
        }
        return samples
    }

    static let storeYAML = """
        # A small store for the calibration tests.
        store:
          id: small-store
          outline: [[0, 0], [20, 0], [20, 12], [0, 12]]
          entrances: [[10, 0]]
        zones:
          - id: fresh
            polygon: [[0, 0], [8, 0], [8, 12], [0, 12]]
          - id: aisles
            polygon: [[8, 0], [15, 0], [15, 12], [8, 12]]
          - id: tills
            polygon: [[15, 0], [20, 0], [20, 12], [15, 12]]
        sensors:
          - id: s1
            position: [3, 3, 2.8]
          - id: s2
            position: [3, 9, 2.8]
          - id: s3
            position: [10, 6, 2.8]
          - id: s4
            position: [17, 3, 2.8]
          - id: s5
            position: [17, 9, 2.8]

        """

    /// A folder with store.yaml and survey.csv, for the command line.
    static func folder(survey: [SurveySample] = survey(), yaml: String = storeYAML) throws -> URL {
        let directory = Fixtures.temporaryDirectory("calibration")
        try yaml.write(to: directory.appendingPathComponent("store.yaml"), atomically: true, encoding: .utf8)
        try SurveyCodec.surveyText(survey).write(to: directory.appendingPathComponent("survey.csv"), atomically: true, encoding: .utf8)
        return directory
    }
}
