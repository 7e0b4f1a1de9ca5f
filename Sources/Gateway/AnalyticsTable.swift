import FootfallCore
import Foundation

/// `footfall report`'s forms of an `AnalyticsSummary`: an aligned table for a terminal, or CSV
/// for a spreadsheet (one row per bucket, then a total row; zones as columns).
public enum AnalyticsTable {
    /// The columns every row has, before the zones'.
    static let headings = ["start", "visitors", "passers_by", "capture_rate", "engaged_visitors"]
        + AnalyticsMetric.dwellBuckets.map(\.rawValue) + ["identified_new", "identified_returning", "unidentified_visitors", "visit_minutes"]

    static func values(_ f: AnalyticsSummary.Figures, label: String, zones: [String], percent: Bool) -> [String] {
        let rate = percent ? String(format: "%.1f %%", f.captureRate * 100) : String(format: "%.4f", f.captureRate)
        var row = [label, "\(f.visitors)", "\(f.passersBy)", rate, "\(f.engagedVisitors)"] + f.dwellHistogram.map(String.init)
        row += ["\(f.identified.firstTime)", "\(f.identified.returning)", "\(f.unidentifiedVisitors)", minutes(f.visitSeconds)]
        for zone in zones {
            let z = f.zones[zone] ?? .init()
            row += ["\(z.entries)", "\(z.dwells)", minutes(z.seconds)]
        }
        return row
    }

    static func minutes(_ seconds: Int) -> String { String(format: "%.1f", Double(seconds) / 60) }

    static func label(_ start: Double, _ bucket: AnalyticsSummary.Bucket) -> String {
        let text = RFC3339.string(start)
        return bucket == .day ? String(text.prefix(10)) : String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    public static func csv(_ s: AnalyticsSummary) -> String {
        let zoneHeadings = s.zones.flatMap { ["zone_\($0)_entries", "zone_\($0)_dwells", "zone_\($0)_minutes"] }
        var lines = [(headings + zoneHeadings).map { DelimitedField.escape($0) }.joined(separator: ",")]
        for b in s.buckets {
            lines.append(values(b, label: RFC3339.string(b.start), zones: s.zones, percent: false).map { DelimitedField.escape($0) }.joined(separator: ","))
        }
        lines.append(values(s.totals, label: "total", zones: s.zones, percent: false).map { DelimitedField.escape($0) }.joined(separator: ","))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The store's figures by bucket, then each zone's over the range.
    public static func text(_ s: AnalyticsSummary) -> String {
        let heads = ["", "visitors", "passers-by", "capture", "engaged"] + DwellBuckets.labels + ["new", "returning", "unidentified"]
        var rows = [heads]
        for b in s.buckets {
            rows.append(Array(values(b, label: label(b.start, s.bucket), zones: [], percent: true).prefix(heads.count)))
        }
        rows.append(Array(values(s.totals, label: "total", zones: [], percent: true).prefix(heads.count)))
        var lines = ["store analytics \(label(s.from, .hour)) to \(label(s.to, .hour)) UTC, by \(s.bucket.rawValue)"]
        lines += align(rows)
        if !s.zones.isEmpty {
            lines.append("")
            var zoneRows = [["zone", "entries", "dwells", "minutes spent"]]
            for zone in s.zones {
                let z = s.totals.zones[zone] ?? .init()
                zoneRows.append([zone, "\(z.entries)", "\(z.dwells)", minutes(z.seconds)])
            }
            lines += align(zoneRows)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns padded to their widest cell: the first left-aligned, the others right-aligned.
    static func align(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }
}
