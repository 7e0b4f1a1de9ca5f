import Calibration
import FootfallCore
import FootfallTesting
import Testing

@Suite struct SVGTests {
    let layout = SurveyedStore.layout

    @Test func theFloorPlanIsWellFormedWithAPolygonPerZoneACirclePerSensorAndLabels() {
        let svg = SVGInspector(LayoutRenderer(layout: layout).render())
        #expect(svg.wellFormed)
        #expect(svg.elements("polygon", class: "zone").count == 3)
        #expect(svg.elements("polygon", class: "outline").count == 1)
        #expect(svg.elements("circle", class: "sensor").count == 5)
        #expect(svg.elements("rect", class: "entrance").count == 1)
        for label in ["fresh", "aisles", "tills", "s1", "s2", "s3", "s4", "s5", "entrance"] {
            #expect(svg.texts.contains(label), "no label \(label)")
        }
        // A metre grid over 20 × 12 m: 21 vertical and 13 horizontal lines at least.
        let grid = svg.elements.filter { $0.name == "line" }.count
        #expect(grid >= 34)
        #expect(svg.elements("g", class: "scale-bar").count == 1)
    }

    @Test func namesWithXMLCharactersAreEscaped() {
        var odd = layout
        odd.zones[0].name = "Fish & <Chips>"
        let svg = SVGInspector(LayoutRenderer(layout: odd).render())
        #expect(svg.wellFormed)
        #expect(svg.texts.contains("Fish & <Chips>"))
    }

    @Test func theFitPlotHasAPanelPerSensorWithItsSamplesAndItsCurve() async {
        let fits = await onAThreadOfItsOwn { PathLossCalibration().fit(SurveyedStore.survey(silent: ["s5"]), layout: layout) }
        let svg = SVGInspector(FitPlot.render(fits, title: "fit"))
        #expect(svg.wellFormed)
        #expect(svg.elements("g", class: "panel").count == 5)
        #expect(svg.elements("polyline", class: "fit").count == 4)
        #expect(svg.elements("circle", class: "sample").count >= 4 * 100)
        #expect(svg.texts.contains { $0.hasPrefix("s5: not fitted") })
    }

    @Test func theHeatMapIsWellFormedWithCellsPointsSensorsAndTheSuggestedSpot() async {
        let survey = SurveyedStore.survey()
        let report = await onAThreadOfItsOwn { LeaveOneOutCheck().run(layout: layout, survey: survey) }
        let models = layout.sensors.map { ErrorMap.SensorModel(position: $0.position, pathLoss: SurveyedStore.truePathLoss[$0.id]!, noise: 3) }
        let map = ErrorMap(layout: layout, sensors: models)
        let svg = SVGInspector(HeatMapRenderer.render(layout: layout, map: map, report: report, suggestion: Point(x: 10, y: 1), title: "error"))
        #expect(svg.wellFormed)
        #expect(svg.elements("rect", class: "cell").count == map.cells.count)
        #expect(svg.elements("circle", class: "survey-point").count == 60)
        #expect(svg.elements("circle", class: "sensor").count == 5)
        #expect(svg.elements("circle", class: "suggested-sensor").count == 1)
        #expect(svg.elements("polygon", class: "zone").count == 3)
    }
}
