import Foundation

extension LeaveOneOutCheck.Report {
    /// The figures a person reads: overall and per-zone errors and the zone confusion matrix.
    public func text() -> String {
        func m(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "–" }
        var lines: [String] = []
        let byBlocks = folds < points.count
        lines.append(
            "leave-one-out over \(points.count) survey points" + (byBlocks ? " (left out in \(folds) blocks of nearby points)" : "")
                + (unlocated > 0 ? "; \(unlocated) gave no estimate" : ""))
        let o = overall
        lines.append("overall         median \(m(o.median)) m, p90 \(m(o.p90)) m over \(o.count) points")
        if let accuracy = zoneAccuracy { lines.append(String(format: "zone accuracy   %.1f%% of the points in a zone placed in it", accuracy * 100)) }
        lines.append("")
        lines.append("zone            points  median  p90")
        for (zone, s) in perZone {
            lines.append("\(zone.padding(toLength: max(14, zone.count), withPad: " ", startingAt: 0))  \(pad(String(s.count), 6))  \(pad(m(s.median), 6))  \(pad(m(s.p90), 5))")
        }
        lines.append("")
        lines.append("zone confusion (rows: true zone, columns: estimated zone)")
        let width = max(8, (zoneLabels.map(\.count).max() ?? 0) + 1)
        lines.append(String(repeating: " ", count: width) + zoneLabels.map { pad($0, width) }.joined())
        for t in zoneLabels where confusion[t] != nil {
            let row = zoneLabels.map { pad(String(confusion[t]?[$0] ?? 0), width) }.joined()
            lines.append(t.padding(toLength: width, withPad: " ", startingAt: 0) + row)
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
