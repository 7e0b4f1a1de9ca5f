import Calibration
import FootfallCore
import Testing

@Suite struct SurveyValidationTests {
    let layout = SurveyedStore.layout
    let calibration = PathLossCalibration()

    func problem(_ survey: [SurveySample]) -> SurveyProblem? {
        do {
            try calibration.validate(survey, layout: layout)
            return nil
        } catch {
            return error as? SurveyProblem
        }
    }

    @Test func aGoodSurveyPasses() {
        #expect(problem(SurveyedStore.survey()) == nil)
    }

    @Test func anUnknownSensorNamesTheSampleAndTheSensorsThereAre() throws {
        var survey = SurveyedStore.survey()
        survey[7].sensor = "s42"
        let found = try #require(problem(survey))
        #expect(found.kind == .unknownSensor)
        #expect(found.sampleIndex == 7)
        #expect(found.message.contains("'s42'") && found.message.contains("s1, s2, s3, s4, s5"))
    }

    @Test func aSensorColumnHoldingAnAddressIsNamedWithoutIt() throws {
        var survey = SurveyedStore.survey()
        survey[3].sensor = "c0:11:22:33:44:55"
        let found = try #require(problem(survey))
        #expect(found.kind == .unknownSensor && found.sampleIndex == 3)
        #expect(found.message.contains("sensor '<address>' is not in the store") && !found.message.contains("c0:11"), "\(found.message)")
    }

    @Test func aPointOutsideTheOutlineNamesTheSampleAndTheDistance() throws {
        var survey = SurveyedStore.survey()
        survey[12].point = Point(x: 23, y: 5)
        let found = try #require(problem(survey))
        #expect(found.kind == .outsideOutline)
        #expect(found.sampleIndex == 12)
        #expect(found.message.contains("3.0 m outside"))
    }

    /// A zone label beside the coordinates is checked too: one that names no zone, or a zone
    /// the point is not in (beyond half a metre of its border), refuses the line.
    @Test func aZoneLabelThatNamesNoZoneOrAnotherPlaceNamesTheSample() throws {
        var survey = SurveyedStore.survey()
        let point = try #require(survey[5].point)
        survey[5].zone = "kitchen"
        let unknown = try #require(problem(survey))
        #expect(unknown.kind == .unknownZone && unknown.sampleIndex == 5)
        #expect(unknown.message == "zone 'kitchen' is not in the store; use one of fresh, aisles, tills or leave the zone column empty")
        let elsewhere = try #require(SurveyedStore.zones.first { !$0.polygon.contains(point) && $0.polygon.distanceToBoundary(point) > 0.5 })
        survey[5].zone = elsewhere.id
        let wrong = try #require(problem(survey))
        #expect(wrong.kind == .pointOutsideItsZone && wrong.sampleIndex == 5)
        #expect(wrong.message.contains("outside zone '\(elsewhere.id)', which its line names"), "\(wrong.message)")
        let own = try #require(SurveyedStore.zones.first { $0.polygon.contains(point) })
        survey[5].zone = own.id
        #expect(problem(survey) == nil, "the zone the point is in is a good label")
        // Used as a radio map (run, replay), a label beside coordinates is not read, so a zone
        // redrawn since the survey does not stop the gateway.
        survey[5].zone = elsewhere.id
        #expect(throws: Never.self) { try calibration.validateSamples(survey, layout: layout, labels: false) }
        survey[5].zone = "kitchen"
        #expect(throws: Never.self) { try calibration.validateSamples(survey, layout: layout, labels: false) }
    }

    @Test func pointsAllOnOneLineAreRefused() throws {
        let line = (0..<8).map { Point(x: 1 + 2 * Double($0), y: 6) }
        let found = try #require(problem(SurveyedStore.survey(points: line)))
        #expect(found.kind == .pointsOnALine)
        #expect(found.message.contains("all 8 survey points lie on one line"))
    }

    @Test func aSensorHeardAtTwoPointsIsTooFew() throws {
        let points = [Point(x: 2, y: 2), Point(x: 6, y: 9), Point(x: 12, y: 4), Point(x: 18, y: 10)]
        var survey = SurveyedStore.survey(points: points)
        // s4 is heard only at the first two points.
        survey.removeAll { $0.sensor == "s4" && ($0.point == points[2] || $0.point == points[3]) }
        let found = try #require(problem(survey))
        #expect(found.kind == .tooFewPoints)
        #expect(found.message.contains("sensor 's4' is heard at 2 survey points"))
    }
}
