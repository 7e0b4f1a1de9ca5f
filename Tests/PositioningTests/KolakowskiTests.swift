import FootfallCore
import FootfallTestTraits
import FootfallTesting
import Foundation
import Positioning
import Testing

/// Accuracy on a real recording: the Kolakowski flat (6 BLE anchors, robot ground truth).
/// The robot's test path is fed causally, row by row, and scored at each row's time.
@Suite(.onItsOwnThread) struct KolakowskiTests {
    struct Errors {
        var median: Double
        var p90: Double
        /// Fraction of the rows whose estimate said the robot was inside the flat.
        var inside: Double
    }

    static func load(_ relative: String) throws -> String {
        try String(contentsOf: Fixtures.dataset("ble-flat-kolakowski/\(relative)"), encoding: .utf8)
    }

    static func run(configuration: PositioningConfiguration = .init(), withSurvey: Bool) throws -> Errors {
        let layout = try KolakowskiDataset.layout(anchorsCSV: load("anchors.csv"), layoutCSV: load("layout.csv"))
        let survey = withSurvey ? KolakowskiDataset.survey(try KolakowskiDataset.rows(load("calibration/calibration_df.csv"))) : []
        var locator = Locator(layout: layout, configuration: configuration, survey: survey)
        var errors: [Double] = []
        var inside = 0
        for row in try KolakowskiDataset.rows(load("tests/test_robot_df.csv")) {
            for observation in KolakowskiDataset.observations(row) { locator.observe(observation) }
            let estimate = locator.estimate(at: row.time).first { $0.device == KolakowskiDataset.device }
            guard let truth = row.position else { continue }
            if estimate?.insideStore == true { inside += 1 }
            // A row without an estimate counts as lost: infinitely wrong.
            errors.append(estimate.map { $0.position.distance(to: truth) } ?? .infinity)
        }
        errors.sort()
        return Errors(
            median: percentile(errors, 50), p90: percentile(errors, 90), inside: Double(inside) / Double(max(errors.count, 1)))
    }

    /// Linear interpolation between order statistics (numpy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .infinity }
        let rank = q / 100 * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }

    @Test func withTheSurveyTheMedianErrorIsUnder0_9MetresAndP90Under2() throws {
        let errors = try Self.run(withSurvey: true)
        print("Kolakowski with survey: median \(errors.median) m, p90 \(errors.p90) m, inside \(errors.inside)")
        #expect(errors.median <= 0.9)
        #expect(errors.inside >= 0.95)
        #expect(errors.p90 <= 2.0)
        // Measured 0.82 / 1.77 m with the shadowing's correlation length at 1.5 m, 0.84 / 1.95 m
        // at 2 m (docs/positioning.md, "The shadowing's correlation length"): the survey's
        // deviations reaching too far between its points show here first.
        #expect(errors.p90 <= 1.85, "the survey's map: p90 \(errors.p90) m")
    }

    @Test func withoutASurveyTheMedianErrorIsUnder1_5Metres() throws {
        let errors = try Self.run(withSurvey: false)
        print("Kolakowski without survey: median \(errors.median) m, p90 \(errors.p90) m, inside \(errors.inside)")
        #expect(errors.median <= 1.5)
    }

    @Test func multilaterationWithoutASurveyHasAMedianErrorUnder1_5Metres() throws {
        var configuration = PositioningConfiguration()
        configuration.engine = .multilateration
        let errors = try Self.run(configuration: configuration, withSurvey: false)
        print("Kolakowski multilateration without survey: median \(errors.median) m, p90 \(errors.p90) m, inside \(errors.inside)")
        #expect(errors.median <= 1.5)
    }

    /// The walk has no per-row truth, only the path walked; distance to the path measures the
    /// error across it (not the lag along it).
    @Test func aPersonWalkingIsPlacedWithinAMedianOfHalfAMetreOfThePathWalked() throws {
        let layout = try KolakowskiDataset.layout(anchorsCSV: Self.load("anchors.csv"), layoutCSV: Self.load("layout.csv"))
        let survey = KolakowskiDataset.survey(try KolakowskiDataset.rows(Self.load("calibration/calibration_df.csv")))
        let path = try KolakowskiDataset.pathSegments(Self.load("tests/path_reference.csv"))
        var locator = Locator(layout: layout, survey: survey)
        var distances: [Double] = []
        for row in try KolakowskiDataset.rows(Self.load("tests/test_walk_df.csv")) {
            for observation in KolakowskiDataset.observations(row) { locator.observe(observation) }
            guard let estimate = locator.estimate(at: row.time).first else { continue }
            distances.append(path.map { Self.distance(from: estimate.position, toSegment: $0) }.min() ?? .infinity)
        }
        distances.sort()
        print("Kolakowski walk: median \(Self.percentile(distances, 50)) m, p90 \(Self.percentile(distances, 90)) m from the path")
        #expect(Self.percentile(distances, 50) <= 0.5)
    }

    static func distance(from p: Point, toSegment s: (Point, Point)) -> Double {
        let ab = s.1 - s.0
        let length2 = ab.x * ab.x + ab.y * ab.y
        let t = length2 > 0 ? max(0, min(1, ((p.x - s.0.x) * ab.x + (p.y - s.0.y) * ab.y) / length2)) : 0
        return p.distance(to: s.0 + ab * t)
    }
}
