import FootfallCore
import Foundation

/// The expected-error heat map over the floor plan, the surveyed points coloured by their
/// leave-one-out error, and the suggested spot for one more sensor.
public enum HeatMapRenderer {
    public static func render(
        layout: StoreLayout, map: ErrorMap, report: LeaveOneOutCheck.Report, suggestion: Point?, title: String
    ) -> String {
        let renderer = LayoutRenderer(layout: layout)
        let frame = renderer.frame
        var svg = SVGDocument(width: frame.width + 290, height: max(frame.height, frame.margin + 340))
        svg.rect(0, 0, svg.width, svg.height, [("fill", "white")])
        renderer.drawFloor(&svg, title: title)
        let high = max(map.errors.max() ?? 1, 0.5)
        svg.open("g", [("class", "heatmap")])
        for (cell, error) in zip(map.cells, map.errors) {
            svg.rect(
                frame.x(cell.x - map.step / 2), frame.y(cell.y + map.step / 2), map.step * frame.scale + 0.5, map.step * frame.scale + 0.5,
                [("class", "cell"), ("fill", colour(error / high)), ("fill-opacity", "0.75")])
        }
        svg.close("g")
        svg.polygon(
            layout.outline.vertices.map { frame.point($0.x, $0.y) },
            [("class", "outline"), ("fill", "none"), ("stroke", "black"), ("stroke-width", "3")])
        renderer.drawZones(&svg, filled: false)
        // At most 500 survey points drawn, evenly thinned.
        let stride = max(1, report.points.count / 500)
        for i in Swift.stride(from: 0, to: report.points.count, by: stride) {
            let point = report.points[i]
            let (x, y) = frame.point(point.truth.x, point.truth.y)
            svg.circle(x, y, r: 3, [("class", "survey-point"), ("fill", point.error.map { colour($0 / high) } ?? "black"), ("stroke", "black"), ("stroke-width", "0.7")])
        }
        renderer.drawSensors(&svg)
        if let suggestion {
            let (x, y) = frame.point(suggestion.x, suggestion.y)
            svg.circle(x, y, r: 9, [("class", "suggested-sensor"), ("fill", "none"), ("stroke", "#d62728"), ("stroke-width", "3"), ("stroke-dasharray", "4 2")])
            svg.text(x + 12, y + 4, "add a sensor here", [("class", "suggested-sensor-label"), ("fill", "#d62728"), ("font-weight", "bold")])
        }
        renderer.drawScaleBar(&svg)
        // The legend: a colour bar from 0 to the largest expected error, then what the marks are.
        let left = frame.width + 20, top = frame.margin
        svg.open("g", [("class", "legend")])
        svg.text(left, top - 10, "shading: expected error", [("font-size", "11")])
        for i in 0..<20 {
            let f = Double(i) / 19
            svg.rect(left, top + Double(19 - i) * 10, 20, 10, [("fill", colour(f))])
        }
        svg.text(left + 26, top + 8, String(format: "%.1f m", high), [("font-size", "11")])
        svg.text(left + 26, top + 200, "0 m", [("font-size", "11")])
        var y = top + 230.0
        func entry(_ lines: [String]) {
            for (index, line) in lines.enumerated() { svg.text(left + 16, y + 4 + Double(index) * 13, line, [("class", "legend-entry"), ("font-size", "11")]) }
            y += Double(lines.count) * 13 + 8
        }
        svg.circle(left + 5, y, r: 3, [("fill", colour(0.5)), ("stroke", "black"), ("stroke-width", "0.7")])
        entry(["dot: a survey point, coloured by its", "leave-one-out error (located with", "the other points' readings)"])
        svg.circle(left + 5, y, r: 3, [("fill", "black"), ("stroke", "black"), ("stroke-width", "0.7")])
        entry(["black dot: a point that could not", "be located"])
        if suggestion != nil {
            svg.circle(left + 5, y, r: 5, [("fill", "none"), ("stroke", "#d62728"), ("stroke-width", "2"), ("stroke-dasharray", "3 2")])
            entry(["dashed ring: where one more sensor", "would help most"])
        }
        svg.close("g")
        return svg.text
    }

    /// Green (good) through yellow to red (bad) for 0…1.
    static func colour(_ f: Double) -> String {
        let t = max(0, min(1, f.isFinite ? f : 1))
        let r = t < 0.5 ? Int(510 * t) : 255
        let g = t < 0.5 ? 200 : Int(200 * (1 - (t - 0.5) * 2))
        return String(format: "#%02x%02x%02x", min(r, 255), max(g, 0), 40)
    }
}
