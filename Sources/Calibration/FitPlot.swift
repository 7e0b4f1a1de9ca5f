import FootfallCore
import Foundation

/// RSSI against distance for each sensor with its fitted curve, one small panel per sensor.
public enum FitPlot {
    public static func render(_ fits: [PathLossCalibration.SensorFit], title: String) -> String {
        let panelWidth = 340.0, panelHeight = 240.0, columns = min(3, max(fits.count, 1))
        let rows = (fits.count + columns - 1) / columns
        var svg = SVGDocument(width: Double(columns) * panelWidth + 20, height: Double(max(rows, 1)) * panelHeight + 50)
        svg.rect(0, 0, svg.width, svg.height, [("fill", "white")])
        svg.text(10, 22, title, [("class", "title"), ("font-size", "14")])
        let allRSSI = fits.flatMap { $0.readings.map(\.rssi) }
        let maxDistance = max(fits.flatMap { $0.readings.map(\.distance) }.max() ?? 10, 1)
        // At least 3 dB of room above the strongest reading and below the weakest, so no dot
        // sits on the frame (a reading of −40 dBm was drawn on a −40 top edge, half hidden).
        let rssiHigh = (((allRSSI.max() ?? -40) + 3) / 10).rounded(.up) * 10
        let rssiLow = (((allRSSI.min() ?? -100) - 3) / 10).rounded(.down) * 10
        let distanceHigh = niceCeiling(maxDistance)
        for (index, fit) in fits.enumerated() {
            let left = 10 + Double(index % columns) * panelWidth + 45, top = 40 + Double(index / columns) * panelHeight + 30
            let w = panelWidth - 65, h = panelHeight - 75
            func px(_ d: Double) -> Double { left + d / distanceHigh * w }
            func py(_ r: Double) -> Double { top + (rssiHigh - r) / max(rssiHigh - rssiLow, 1) * h }
            svg.open("g", [("class", "panel"), ("id", "fit-\(fit.sensor.rawValue)")])
            svg.rect(left, top, w, h, [("fill", "none"), ("stroke", "#999999")])
            for tick in ticks(0, distanceHigh) {
                svg.line(px(tick), top + h, px(tick), top + h + 4, [("stroke", "#999999")])
                svg.text(px(tick), top + h + 16, SVGDocument.number(tick), [("text-anchor", "middle"), ("font-size", "10")])
            }
            for tick in Swift.stride(from: rssiLow, through: rssiHigh, by: 10) {
                svg.line(left - 4, py(tick), left, py(tick), [("stroke", "#999999")])
                svg.text(left - 6, py(tick) + 3, SVGDocument.number(tick), [("text-anchor", "end"), ("font-size", "10")])
            }
            svg.text(left + w / 2, top + h + 30, "distance (m)", [("text-anchor", "middle"), ("font-size", "10")])
            // The y axis's title runs up beside its tick labels, clear of the top one.
            let titleX = left - 34, titleY = top + h / 2
            svg.text(
                titleX, titleY, "RSSI (dBm)",
                [("class", "axis-title"), ("text-anchor", "middle"), ("font-size", "10"), ("transform", "rotate(-90 \(SVGDocument.number(titleX)) \(SVGDocument.number(titleY)))")])
            // Thin a dense survey so the file stays small: at most 400 dots a panel.
            let stride = max(1, fit.readings.count / 400)
            for i in Swift.stride(from: 0, to: fit.readings.count, by: stride) {
                let r = fit.readings[i]
                svg.circle(px(min(r.distance, distanceHigh)), py(max(min(r.rssi, rssiHigh), rssiLow)), r: 1.8, [("class", "sample"), ("fill", "#1f77b4"), ("fill-opacity", "0.5")])
            }
            var label = "\(fit.sensor)"
            var detail = ""
            if let p = fit.pathLoss {
                // The curve leaves the panel close to the sensor: cut at the frame, not
                // flattened along it (a flat stretch there reads as a measured plateau).
                let clip = "fit-clip-\(index)"
                svg.open("clipPath", [("id", clip)])
                svg.rect(left, top, w, h, [])
                svg.close("clipPath")
                let curve = Swift.stride(from: 0.1, through: distanceHigh, by: distanceHigh / 80).map { d in
                    (px(d), py(p.rssi(atDistance: d)))
                }
                svg.polyline(curve, [("class", "fit"), ("fill", "none"), ("stroke", "#d62728"), ("stroke-width", "2"), ("clip-path", "url(#\(clip))")])
                detail = String(format: "%.1f dBm at 1 m, n = %.2f, σ = %.1f dB, %d points", p.rssiAt1m, p.exponent, fit.residualSD ?? 0, fit.points)
            } else {
                label += ": not fitted (never heard)"
            }
            if fit.pathLoss != nil, !fit.flags.isEmpty { label += "  ⚠ " + fit.flags.map(PathLossCalibration.shortNote).joined(separator: ", ") }
            svg.text(left, top - 20, label, [("class", "panel-title"), ("font-size", "12"), ("font-weight", "bold")])
            if !detail.isEmpty { svg.text(left, top - 6, detail, [("class", "panel-detail"), ("font-size", "10")]) }
            svg.close("g")
        }
        return svg.text
    }

    static func niceCeiling(_ v: Double) -> Double {
        for c in [1.0, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200] where c >= v { return c }
        return (v / 100).rounded(.up) * 100
    }

    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let step = [0.5, 1, 2, 5, 10, 20, 50].first { (high - low) / $0 <= 8 } ?? 100
        return Array(Swift.stride(from: low, through: high, by: step))
    }
}
