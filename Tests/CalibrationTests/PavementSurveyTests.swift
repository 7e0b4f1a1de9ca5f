import Calibration
import FootfallCore
import FootfallTestTraits
import Positioning
import Testing

/// A survey may map the pavement before the storefront as well as the floor (`Street`): its
/// points there are accepted, kept out of the path-loss fit (what reaches the street has come
/// through the storefront's glass or wall), and only there.
@Suite(.onItsOwnThread) struct PavementSurveyTests {
    let layout = SurveyedStore.layout
    /// Two rows before the south wall (the entrance is at (10, 0)), 1.5 and 4 m out.
    static let pavement = Swift.stride(from: -3.0, through: 23, by: 2).flatMap { x in [Point(x: x, y: -1.5), Point(x: x, y: -4)] }

    /// The floor's survey and, on the pavement, readings 12 dB below the model: a storefront
    /// that attenuates as much as a brick wall.
    func survey(withPavement: Bool) -> [SurveySample] {
        var samples = SurveyedStore.survey()
        guard withPavement else { return samples }
        samples += SurveyedStore.survey(seed: 8, points: Self.pavement).map { sample in
            var sample = sample
            sample.rssi -= 12
            return sample
        }
        return samples
    }

    @Test func pointsOnThePavementBeforeTheStorefrontAreAcceptedAndNowhereElseOutside() throws {
        try PathLossCalibration().validate(survey(withPavement: true), layout: layout)
        for (point, onStreet) in [
            (Point(x: 10, y: -2), true), (Point(x: -8, y: -4.5), true), (Point(x: 10, y: -5.5), false),
            (Point(x: 23, y: 5), false), (Point(x: 10, y: 14), false), (Point(x: 10, y: -0.3), false),
        ] {
            #expect(Street.contains(point, layout: layout) == onStreet, "\(point)")
        }
        // Just outside the wall is the floor (an outline drawn along the walls' inner faces).
        #expect(Street.isOnFloor(Point(x: 10, y: -0.3), layout: layout))
        // A store without an entrance has no street.
        var closed = layout
        closed.entrances = []
        #expect(!Street.contains(Point(x: 10, y: -2), layout: closed))
        // A narrower band (the store file's outside_band) moves the street's edge.
        var narrow = PositioningConfiguration()
        narrow.outsideBand = 2
        #expect(!Street.contains(Point(x: 10, y: -4), layout: layout, configuration: narrow))
        var calibration = PathLossCalibration()
        calibration.positioning = narrow
        #expect(throws: SurveyProblem.self) { try calibration.validateSamples(survey(withPavement: true), layout: layout) }
    }

    @Test func aPointBesideOrBehindTheStoreIsRefusedWithWhereSurveyPointsMayBe() throws {
        var samples = survey(withPavement: true)
        samples[3].point = Point(x: 10, y: 15)
        do {
            try PathLossCalibration().validateSamples(samples, layout: layout)
            Issue.record("a point 3 m behind the back wall was accepted")
        } catch let problem as SurveyProblem {
            #expect(problem.kind == .outsideOutline)
            #expect(problem.sampleIndex == 3)
            #expect(problem.message.contains("3.0 m outside the store outline and not on the street before it"))
            #expect(problem.message.contains("on the pavement within 5 m (outside_band) of a wall with an entrance"))
        }
    }

    @Test func theRadioMapKeepsThePavementsLevelsSoThatAPhoneHeardAsThereIsPlacedNearerIt() throws {
        // A phone standing at (10, -3) on the pavement, heard for 20 s at the levels the survey
        // measured there (the model less the storefront's 12 dB), without noise.
        let spot = Point(x: 10, y: -3)
        func placed(withPavement: Bool) throws -> PositionEstimate {
            var locator = Locator(layout: layout, survey: survey(withPavement: withPavement))
            for t in 0..<40 {
                for (id, position) in SurveyedStore.sensorPositions {
                    let d = position.distance(to: spot, height: SurveyedStore.deviceHeight)
                    let rssi = SurveyedStore.truePathLoss[id]!.rssi(atDistance: d) - 12
                    locator.observe(Observation(time: 1_000 + Double(t) * 0.5, sensor: id, device: "phone", rssi: rssi))
                }
            }
            return try #require(locator.estimate(at: 1_020).first)
        }
        let mapped = try placed(withPavement: true), unmapped = try placed(withPavement: false)
        #expect(!mapped.insideStore, "placed inside at \(mapped.position)")
        print("pavement phone placed at \(mapped.position) with the pavement mapped, \(unmapped.position) (inside: \(unmapped.insideStore)) without")
        // (3.5 m off with the pavement mapped, 4.7 m without it, when written: one phone on a
        // store of five ceiling sensors.) Were the pavement's points dropped from the map as
        // from the fit, both would be the same estimate.
        #expect(mapped.position.distance(to: spot) < unmapped.position.distance(to: spot), "\(unmapped.position), inside \(unmapped.insideStore)")
    }

    @Test func thePavementsPointsStayOutOfThePathLossFit() {
        let calibration = PathLossCalibration()
        let floor = calibration.fit(survey(withPavement: false), layout: layout)
        let both = calibration.fit(survey(withPavement: true), layout: layout)
        #expect(both.map(\.pathLoss) == floor.map(\.pathLoss))
        #expect(both.map(\.points) == floor.map(\.points))
        // The locator fits its models the same way, and maps the pavement with the rest.
        let withPavement = Locator(layout: layout, survey: survey(withPavement: true))
        let floorOnly = Locator(layout: layout, survey: survey(withPavement: false))
        #expect(withPavement.pathLossModels == floorOnly.pathLossModels)
    }

    @Test func thePavementSaysHowMuchTheStorefrontTakesOff() throws {
        // The pavement 12 dB below the floor's models (3 dB of noise a reading): the storefront's
        // loss is measured to within a decibel; heard as the floor's models say, no loss.
        let calibration = PathLossCalibration()
        let walled = survey(withPavement: true)
        let wall = try #require(PathLossCalibration.storefrontLoss(walled, fits: calibration.fit(walled, layout: layout), layout: layout))
        #expect(abs(wall.loss - 12) < 1, "\(wall.loss) dB")
        #expect(wall.points >= 20 && wall.readings >= 200, "\(wall.readings) readings at \(wall.points) points")
        let open = survey(withPavement: false) + SurveyedStore.survey(seed: 8, points: Self.pavement)
        let none = try #require(PathLossCalibration.storefrontLoss(open, fits: calibration.fit(open, layout: layout), layout: layout))
        #expect(abs(none.loss) < 1, "\(none.loss) dB")
        // Without points on the pavement there is nothing to say.
        let floor = survey(withPavement: false)
        #expect(PathLossCalibration.storefrontLoss(floor, fits: calibration.fit(floor, layout: layout), layout: layout) == nil)
    }
}
