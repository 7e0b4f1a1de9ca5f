import Calibration
import FootfallCore
import Testing

/// How the accuracy benchmark scores: the newest estimate at or before each truth time, ∞
/// where there is none, distances to a walked path, and the two zone accuracies.
@Suite struct CausalScoringTests {
    static func estimate(_ time: Double, _ x: Double, zone: String? = nil, device: DeviceID = "phone") -> PositionEstimate {
        PositionEstimate(time: time, device: device, position: Point(x: x, y: 0), uncertainty: 1, zone: zone)
    }

    @Test func theNewestTimeAtOrBeforeIsFoundByIndex() {
        let times = [1.0, 2, 2, 3]
        #expect(CausalScoring.newest(in: times, atOrBefore: 0.5) == nil)
        #expect(CausalScoring.newest(in: times, atOrBefore: 1) == 0)
        #expect(CausalScoring.newest(in: times, atOrBefore: 2) == 2)
        #expect(CausalScoring.newest(in: times, atOrBefore: 2.9) == 2)
        #expect(CausalScoring.newest(in: times, atOrBefore: 10) == 3)
        #expect(CausalScoring.newest(in: [], atOrBefore: 10) == nil)
    }

    @Test func eachSampleIsScoredAgainstTheNewestEstimateAtOrBeforeItNeverALaterOne() {
        // The device is at x = 0 throughout; estimates at 1, 2 and 3 s say x = 1, 2, 3.
        let estimates: [DeviceID: [PositionEstimate]] = [
            "phone": [Self.estimate(1, 1), Self.estimate(2, 2), Self.estimate(3, 3)],
            "other": [Self.estimate(0, 50, device: "other")],
        ]
        let samples = [0.5, 1, 2.5, 3, 9].map { CausalScoring.Sample(time: $0, device: "phone", truth: .point(.zero)) }
        let result = CausalScoring.score(samples, estimates: estimates)
        #expect(result.errors == [.infinity, 1, 2, 3, 3])
        #expect(result.summary.unlocated == 1)
        #expect(result.reportedZoneAccuracy == nil)
    }

    @Test func estimatesArrivingOutOfOrderAreTakenByTheTimeTheyAreForAndTheLaterOfTwoForOneMomentCounts() {
        // A late reading placed the device at 1.5 s after the round at 2 s had run; a second
        // estimate for 2 s came after the first.
        let estimates: [DeviceID: [PositionEstimate]] = [
            "phone": [Self.estimate(1, 1), Self.estimate(2, 2), Self.estimate(1.5, 7), Self.estimate(2, 4)],
        ]
        let samples = [1.7, 2.5].map { CausalScoring.Sample(time: $0, device: "phone", truth: .point(.zero)) }
        #expect(CausalScoring.score(samples, estimates: estimates).errors == [7, 4])
    }

    @Test func aWalkIsScoredByTheDistanceToTheNearestSegmentOfItsPathWithin1mm() throws {
        let path = try KolakowskiDataset.path("x0,y0,x1,y1\n0,0,10,0\n10,0,10,10\n")
        #expect(abs(path.distance(from: Point(x: 5, y: 2)) - 2) < 1e-3)
        // Past a segment's end the distance is to the end point.
        #expect(abs(path.distance(from: Point(x: -3, y: 4)) - 5) < 1e-3)
        // Nearer the second segment.
        #expect(abs(path.distance(from: Point(x: 9, y: 8)) - 1) < 1e-3)
        let sample = CausalScoring.Sample(time: 0, device: "phone", truth: .path(path))
        #expect(abs(sample.error(of: Point(x: 12, y: 5)) - 2) < 1e-3)
        #expect(sample.error(of: nil) == .infinity)
    }

    @Test func aPathFileWithoutItsHeaderOrWithABadNumberNamesTheLine() {
        #expect(throws: KolakowskiDataset.ParseError(file: "p.csv", line: 1, message: "expected the header 'x0,y0,x1,y1'")) {
            try KolakowskiDataset.path("a,b,c,d\n", file: "p.csv")
        }
        #expect(throws: KolakowskiDataset.ParseError(file: "p.csv", line: 3, message: "y1: 'x' is not a number")) {
            try KolakowskiDataset.path("x0,y0,x1,y1\n0,0,1,1\n0,0,1,x\n", file: "p.csv")
        }
    }

    @Test func reportedAndContainingZonesAreScoredOnTheSameSamples() {
        let layout = StoreLayout(
            id: "two-rooms", outline: Polygon(rectangleFrom: Point(x: 0, y: -5), to: Point(x: 20, y: 5)),
            zones: [
                Zone(id: "west", polygon: Polygon(rectangleFrom: Point(x: 0, y: -5), to: Point(x: 10, y: 5))),
                Zone(id: "east", polygon: Polygon(rectangleFrom: Point(x: 10, y: -5), to: Point(x: 20, y: 5))),
            ])
        // Truly in the east room; the first estimate lies in the west room but reports east
        // (hysteresis), the second lies in the east but still reports west, the third agrees.
        let estimates: [DeviceID: [PositionEstimate]] = [
            "phone": [Self.estimate(1, 8, zone: "east"), Self.estimate(2, 12, zone: "west"), Self.estimate(3, 15, zone: "east")],
        ]
        let samples = [0.0, 1, 2, 3].map { CausalScoring.Sample(time: $0, device: "phone", truth: .point(Point(x: 15, y: 0)), zone: "east") }
        let result = CausalScoring.score(samples, estimates: estimates, zones: layout)
        // The sample before any estimate is wrong for both.
        #expect(result.reportedZoneAccuracy == 0.5)
        #expect(result.containingZoneAccuracy == 0.5)
    }

    @Test func percentilesInterpolateAndReachInfinityOnlyWhenAnUnplacedSampleIsInvolved() {
        let summary = ErrorSummary([3, 1, .infinity, 2])
        #expect(summary.sorted == [1, 2, 3, .infinity])
        #expect(summary.median == 2.5)
        #expect(summary.p90 == .infinity)
        #expect(summary.unlocated == 1)
        // Rank 9 of 11 falls exactly on the 10th error: finite though the last is ∞.
        let ranked = ErrorSummary((1...10).map(Double.init) + [.infinity])
        #expect(ranked.p90 == 10)
        #expect(ErrorSummary([]).median.isNaN)
    }
}
