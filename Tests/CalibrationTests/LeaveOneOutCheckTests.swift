import Calibration
import FootfallCore
import FootfallTestTraits
import FootfallTesting
import Testing

@Suite(.onItsOwnThread) struct LeaveOneOutCheckTests {
    /// The small store's check, which two tests read: run once, on a thread of its own.
    static let smallStore = OnItsOwnThread { LeaveOneOutCheck().run(layout: SurveyedStore.layout, survey: SurveyedStore.survey()) }

    @Test func onTheSmallStoreTheMedianErrorIsUnder2MetresAndP90Under4() async throws {
        let report = await Self.smallStore.value
        #expect(report.points.count == 60)
        #expect(report.folds == 60)
        #expect(report.unlocated == 0)
        let overall = report.overall
        print("small store leave-one-out: median \(overall.median ?? -1) m, p90 \(overall.p90 ?? -1) m, zones \(report.zoneAccuracy ?? -1)")
        #expect(try #require(overall.median) <= 2.0)
        #expect(try #require(overall.p90) <= 4.0)
        #expect(try #require(report.zoneAccuracy) >= 0.7)
    }

    @Test func theConfusionMatrixCountsEveryPointOnceAndItsDiagonalMatchesZoneAccuracy() async throws {
        let report = await Self.smallStore.value
        let total = report.confusion.values.flatMap(\.values).reduce(0, +)
        #expect(total == 60)
        let diagonal = report.zoneLabels.map { report.confusion[$0]?[$0] ?? 0 }.reduce(0, +)
        #expect(abs(Double(diagonal) / 60 - (report.zoneAccuracy ?? 0)) < 1e-9)
        #expect(report.perZone.map(\.zone) == ["fresh", "aisles", "tills"])
        #expect(report.perZone.map(\.summary.count).reduce(0, +) == 60)
        let text = report.text()
        #expect(text.contains("zone confusion"))
        #expect(text.contains("overall         median"))
    }

    @Test func zoneOnlyPointsAreScoredByZoneButNotByDistance() async throws {
        var survey = SurveyedStore.survey()
        // The points at y = 1 and x = 1, 3, 5 (fresh) and 17 (tills) are recorded by zone only.
        let zoneOnly: Set<Point> = [Point(x: 1, y: 1), Point(x: 3, y: 1), Point(x: 5, y: 1), Point(x: 17, y: 1)]
        for i in survey.indices where zoneOnly.contains(survey[i].point!) { survey[i].point = nil }
        let report = await onAThreadOfItsOwn { LeaveOneOutCheck().run(layout: SurveyedStore.layout, survey: survey) }
        // Three fresh points share one zone-only point; tills' is another: 56 + 2 points.
        #expect(report.points.count == 58)
        #expect(report.overall.count == 56)
        #expect(report.confusion.values.flatMap(\.values).reduce(0, +) == 58)
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(survey, layout: SurveyedStore.layout) }
        #expect(fits.allSatisfy { $0.points == 56 })
    }

    @Test func aDenseSurveyIsLeftOutInAtMostSixtyBlocks() async {
        var points: [Point] = []
        for y in Swift.stride(from: 0.5, through: 11.5, by: 0.5) {
            for x in Swift.stride(from: 0.5, through: 19.5, by: 0.5) { points.append(Point(x: x, y: y)) }
        }
        var check = LeaveOneOutCheck()
        check.maximumFolds = 60
        let report = await onAThreadOfItsOwn { check.run(layout: SurveyedStore.layout, survey: SurveyedStore.survey(readings: 1, points: points)) }
        #expect(report.folds <= 60)
        #expect(report.points.count == points.count)
        // A sanity bound on single readings per point (the folds are the point of this test);
        // the grid locator with its outside band measures 3.01 m here.
        #expect((report.overall.median ?? 99) <= 3.5)
    }

    @Test func theExpectedErrorMapIsLowestAmongTheSensorsAndAnExtraSensorGoesWhereNoneIs() throws {
        let layout = SurveyedStore.layout
        // Without s3 the middle of the store is the worst covered.
        let models = layout.sensors.filter { $0.id != "s3" }.map {
            ErrorMap.SensorModel(position: $0.position, pathLoss: SurveyedStore.truePathLoss[$0.id]!, noise: 3)
        }
        let map = ErrorMap(layout: layout, sensors: models)
        #expect(map.error(at: Point(x: 10, y: 6)) > map.error(at: Point(x: 4, y: 6)))
        let best = try #require(ErrorMap.bestNewSensor(layout: layout, sensors: models, height: 2.8, model: .bleDefault, noise: 3))
        #expect(best.after < best.before)
        // Within 3 m of the middle, where s3 was.
        #expect(best.position.distance(to: Point(x: 10, y: 6)) <= 3, "\(best.position)")
    }
}
