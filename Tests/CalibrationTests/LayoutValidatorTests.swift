import Calibration
import FootfallCore
import FootfallTestTraits
import Testing

@Suite(.onItsOwnThread) struct LayoutValidatorTests {
    @Test func theSmallStoreHasNoIssues() {
        #expect(LayoutValidator().issues(in: SurveyedStore.layout).isEmpty)
    }

    @Test func overlappingZonesAreAWarningNamingBothAndTheAreaWithinATenthOfASquareMetre() throws {
        var layout = SurveyedStore.layout
        // aisles now reaches 2 m into tills: 2 × 12 = 24 m² shared.
        layout.zones[1].polygon = Polygon(rectangleFrom: Point(x: 8, y: 0), to: Point(x: 17, y: 12))
        let issues = LayoutValidator().issues(in: layout)
        let overlap = try #require(issues.first { $0.message.contains("overlaps") })
        #expect(overlap.severity == .warning)
        #expect(overlap.message.contains("'tills'") && overlap.message.contains("'aisles'"))
        #expect(overlap.message.contains("24.0 m²"))
        #expect(overlap.field == "zones[2].polygon")
    }

    @Test func devicesCarriedAboveEverySensorAreAWarning() throws {
        var layout = SurveyedStore.layout
        layout.deviceHeight = 5
        let issue = try #require(LayoutValidator().issues(in: layout).first { $0.field == "store.device_height" })
        #expect(issue.severity == .warning)
        #expect(issue.message.contains("devices are carried at 5 m, above every sensor"), "\(issue.message)")
        layout.deviceHeight = 1.2
        #expect(!LayoutValidator().issues(in: layout).contains { $0.field == "store.device_height" })
    }

    @Test func zonesSharingOnlyAnEdgeDoNotOverlap() {
        let issues = LayoutValidator().issues(in: SurveyedStore.layout)
        #expect(!issues.contains { $0.message.contains("overlaps") })
    }

    @Test func sensorsHalfAMetreApartAreAWarning() throws {
        var layout = SurveyedStore.layout
        layout.sensors[1].position = Point3(x: 3.5, y: 3, z: 2.8)
        let issue = try #require(LayoutValidator().issues(in: layout).first { $0.field == "sensors[1].position" })
        #expect(issue.message.contains("0.5 m from 's1'"))
    }

    @Test func aZoneFarFromEverySensorIsAWarning() throws {
        var layout = SurveyedStore.layout
        layout.outline = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 80, y: 12))
        layout.zones.append(Zone(id: "stockroom", polygon: Polygon(rectangleFrom: Point(x: 70, y: 0), to: Point(x: 80, y: 12))))
        let issue = try #require(LayoutValidator().issues(in: layout).first { $0.subject == .zone("stockroom") })
        #expect(issue.message.contains("heard well by 0 sensors"))
    }
}
