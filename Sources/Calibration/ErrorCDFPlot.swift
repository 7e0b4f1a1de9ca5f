import Foundation

/// Cumulative distributions of position errors, one small panel per case with a curve per
/// method (the accuracy benchmark's locator against its bar). A curve that never reaches 1
/// is a method that left samples unplaced (infinite errors).
public enum ErrorCDFPlot {
    public struct Curve: Sendable {
        public var label: String
        public var color: String
        public var errors: ErrorSummary
        public init(label: String, color: String, errors: ErrorSummary) {
            self.label = label
            self.color = color
            self.errors = errors
        }
    }

    public struct Panel: Sendable {
        public var title: String
        /// Lines under the title (two fit).
        public var subtitles: [String]
        public var curves: [Curve]
        public init(title: String, subtitles: [String], curves: [Curve]) {
            self.title = title
            self.subtitles = subtitles
            self.curves = curves
        }
    }

    /// Quantiles drawn per curve: enough for a smooth line, few enough for a small file.
    static let steps = 200

    public static func render(_ panels: [Panel], title: String, legend: [(label: String, color: String)]) -> String {
        let panelWidth = 300.0, panelHeight = 222.0, columns = min(4, max(panels.count, 1))
        let rows = (panels.count + columns - 1) / columns
        var svg = SVGDocument(width: Double(columns) * panelWidth + 20, height: Double(max(rows, 1)) * panelHeight + 60)
        svg.rect(0, 0, svg.width, svg.height, [("fill", "white")])
        svg.text(10, 22, title, [("class", "title"), ("font-size", "14")])
        var legendX = 10.0
        for item in legend {
            svg.line(legendX, 40, legendX + 24, 40, [("stroke", item.color), ("stroke-width", "2")])
            svg.text(legendX + 30, 44, item.label, [("font-size", "11")])
            legendX += 40 + Double(item.label.count) * 6.5
        }
        for (index, panel) in panels.enumerated() {
            let left = 10 + Double(index % columns) * panelWidth + 40, top = 60 + Double(index / columns) * panelHeight + 46
            let w = panelWidth - 60, h = panelHeight - 92
            // The axis reaches past the worst finite p90 shown, so both curves' bodies fit.
            let p90s = panel.curves.map(\.errors.p90).filter(\.isFinite)
            let medians = panel.curves.map(\.errors.median).filter(\.isFinite)
            let high = FitPlot.niceCeiling(min(max((p90s.max() ?? medians.max() ?? 5) * 1.4, 1), 50))
            func px(_ e: Double) -> Double { left + min(e, high) / high * w }
            func py(_ share: Double) -> Double { top + (1 - share) * h }
            svg.open("g", [("class", "panel")])
            svg.rect(left, top, w, h, [("fill", "none"), ("stroke", "#999999")])
            for tick in FitPlot.ticks(0, high) {
                svg.line(px(tick), top + h, px(tick), top + h + 4, [("stroke", "#999999")])
                svg.text(px(tick), top + h + 15, SVGDocument.number(tick), [("text-anchor", "middle"), ("font-size", "10")])
            }
            // The median and the p90, where the table's figures are read; the frame's top is 1.
            for share in [0.0, 0.5, 0.9] {
                svg.line(left, py(share), left + w, py(share), [("stroke", "#dddddd")])
                svg.text(left - 4, py(share) + 3, SVGDocument.number(share), [("text-anchor", "end"), ("font-size", "10")])
            }
            svg.text(left + w / 2, top + h + 28, "error (m)", [("text-anchor", "middle"), ("font-size", "10")])
            for curve in panel.curves where curve.errors.count > 0 {
                var points: [(Double, Double)] = []
                for k in 0...steps {
                    let share = Double(k) / Double(steps)
                    let e = ErrorSummary.percentile(curve.errors.sorted, share)
                    guard e.isFinite else { break }
                    points.append((px(e), py(share)))
                }
                svg.polyline(points, [("class", "cdf"), ("fill", "none"), ("stroke", curve.color), ("stroke-width", "1.6")])
            }
            svg.text(left - 30, top - 32, panel.title, [("class", "panel-title"), ("font-size", "12"), ("font-weight", "bold")])
            for (line, subtitle) in panel.subtitles.prefix(2).enumerated() {
                svg.text(left - 30, top - 18 + Double(line) * 12, subtitle, [("class", "panel-detail"), ("font-size", "10")])
            }
            svg.close("g")
        }
        return svg.text
    }
}
