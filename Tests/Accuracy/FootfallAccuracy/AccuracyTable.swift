import Calibration
import Foundation

/// The benchmark's results as text for the terminal and as docs/accuracy.md.
struct AccuracyTable {
    var cases: [CaseResult]
    var targets: [PresenceTargets.Target]
    var skipped: [String]
    var run: RunInfo

    static func metres(_ v: Double) -> String {
        v.isNaN ? "–" : v.isFinite ? String(format: "%.2f", v) : "∞"
    }

    static func pair(_ e: ErrorSummary) -> String { "\(metres(e.median)) / \(metres(e.p90))" }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f %%", $0 * 100) } ?? "–" }

    static func share(_ part: Int, of whole: Int) -> String {
        whole > 0 ? String(format: "%.1f %%", Double(part) / Double(whole) * 100) : "–"
    }

    static let header = [
        "case", "samples", "no estimate", "locator median / p90 (m)", "bar", "bar median / p90 (m)", "position",
        "reported zone", "containing zone", "zones", "passers-by as visitors",
    ]

    func row(_ c: CaseResult) -> [String] {
        let bar = c.bar
        return [
            c.name, "\(c.samples)", Self.share(c.locator.unlocated, of: c.samples), Self.pair(c.locator),
            bar.map { "\($0.method)" } ?? "–", bar.map { Self.pair($0.errors) } ?? "–", c.passes ? "pass" : "FAIL",
            Self.percent(c.reportedZoneAccuracy), Self.percent(c.containingZoneAccuracy),
            c.zonesPass.map { $0 ? "pass" : "FAIL" } ?? "–",
            c.visits.flatMap { v in v.passersByAsVisitors.map { Self.percent($0) + " (\(v.false) false visits)" } } ?? "–",
        ]
    }

    static let visitsHeader = [
        "case", "true visits", "detected", "missed (of 2 min or more)", "false visits", "counted twice", "entry decided after the true entry, median",
    ]

    /// The visits of the cases whose truth has passers-by (the simulated stores).
    var visitRows: [[String]] {
        cases.compactMap { c in
            guard let v = c.visits else { return nil }
            return [
                c.name, "\(v.true)", "\(v.detected)", "\(v.missed) (\(v.missedLong))", "\(v.false)", "\(v.twice)",
                c.entryDelay.map { String(format: "%.1f s", $0) } ?? "–",
            ]
        }
    }

    /// Columns padded to their widest cell, for a terminal.
    static func padded(_ header: [String], _ body: [[String]]) -> [String] {
        var lines: [String] = []
        let rows = [header] + body
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            lines.append(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines
    }

    var text: String {
        var lines = Self.padded(Self.header, cases.map(row))
        if !visitRows.isEmpty {
            lines.append("")
            lines += Self.padded(Self.visitsHeader, visitRows)
        }
        if !targets.isEmpty {
            lines.append("")
            for t in targets {
                lines.append("\(t.run): \(t.metric) \(t.display) (target \(t.target))\(t.target == "–" ? "" : t.passes ? " pass" : " FAIL")")
            }
        }
        for line in skipped { lines.append("skipped: \(line)") }
        lines.append("")
        lines.append(verdict)
        return lines.joined(separator: "\n") + "\n"
    }

    var failures: Int {
        cases.filter { !$0.passes }.count + cases.filter { $0.zonesPass == false }.count + targets.filter { !$0.passes }.count
    }

    var verdict: String {
        let positions = cases.filter(\.passes).count
        let zoned = cases.compactMap(\.zonesPass)
        var parts = ["position: \(positions) of \(cases.count) cases pass"]
        if !zoned.isEmpty { parts.append("zones: \(zoned.filter { $0 }.count) of \(zoned.count)") }
        if !targets.isEmpty {
            let scored = targets.filter { $0.target != "–" }
            parts.append("presence targets: \(scored.filter(\.passes).count) of \(scored.count)")
        }
        return parts.joined(separator: "; ")
    }

    func markdown(svgLink: String?) -> String {
        func cells(_ row: [String]) -> String { "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        var lines = [
            "# Positioning accuracy",
            "",
            "<!-- Written by `make accuracy` (Tests/Accuracy/FootfallAccuracy); edits here are overwritten. -->",
            "",
            "The locator beside simple baselines on every real dataset in `../shared/datasets/` and on",
            "a matrix of simulated stores (issue #15). Measured on \(run.date) at commit `\(run.commit)` in \(Int(run.seconds.rounded())) s with",
            "",
            "```sh",
            run.command,
            "```",
            "",
            "Each case is a store file as a new user would write it — the layout, sensors at the heights",
            "the data gives, default positioning settings, no path loss — and its readings fed in time",
            "order through the `Pipeline` that `footfall replay` runs; the locator's estimates are the",
            "pipeline's position outputs. Every method is scored causally on the same truth samples: at",
            "each truth time the newest estimate of that device made at or before it; a sample with no",
            "estimate yet counts as an infinitely large error (so a p90 can be ∞, and \"no estimate\" is",
            "their share). The baselines are computed from the device's readings up to the truth time:",
            "per sensor the mean RSSI over the last 1, 2 or 5 s or over all readings so far, then the",
            "nearest sensor (the strongest's floor position), the centroid of the 3 strongest weighted",
            "by linear power 10^(rssi/10) or by 10^(rssi/22) (≈ 1/distance at exponent 2.2), and, with a",
            "survey, kNN (k = 5: mean RSSI per sensor at each reference point, −100 dBm where unheard,",
            "Euclidean distance, the unweighted mean of the 5 nearest points). The bar is the baseline",
            "with the lowest median. A case passes when the locator's median is at most 0.85 × the bar's",
            "and its p90 no higher than the bar's. Where the truth has zones, \"reported zone\" is how",
            "often the estimate's zone is the true one and \"containing zone\" how often the zone holding",
            "the estimate's position is; zones pass when reported ≥ containing. Where the truth has",
            "people who never came in (the simulated stores' passers-by), \"passers-by as visitors\" is",
            "the share of them the pipeline counted as visitors (a `store.entered`), with the detected",
            "visits that overlap no true one: the position columns score people inside only, so a",
            "locator that draws people in from the street would look better there and worse here.",
            "",
            cells(Self.header),
            cells(Self.header.map { _ in "---" }),
        ]
        lines += cases.map { cells(row($0)) }
        lines.append("")
        lines.append(verdict + ".")
        if !visitRows.isEmpty {
            lines += [
                "",
                "## Visits on the simulated stores",
                "",
                "The visits of the people who came in, scored as `footfall replay --truth` scores them, by",
                "person (a phone whose private address rotated mid-visit is one person under two device ids): a",
                "true visit is a stay inside the outline of at least the store file's `presence.enter_after` (15 s",
                "unless the command above gives `--enter-after`), missed when no detected visit overlaps it; a false",
                "visit overlaps no true one; a visit counted twice overlaps a true visit another detected visit of",
                "the same person was matched to (an address change the pipeline did not follow, or a visit split",
                "in two). A longer `enter_after` keeps out the passers-by the locator places",
                "inside for a while as they walk past, and decides every entry that much later",
                "(docs/positioning.md, \"Passers-by counted as visitors on the simulated stores\").",
                "",
                cells(Self.visitsHeader),
                cells(Self.visitsHeader.map { _ in "---" }),
            ]
            lines += visitRows.map(cells)
        }
        if !skipped.isEmpty {
            lines.append("")
            for line in skipped { lines.append("Skipped: \(line)") }
        }
        if !targets.isEmpty {
            lines += [
                "",
                "## Presence targets on the demo store",
                "",
                "calibration/demo-store/store.yaml as it is, \(Int(PresenceTargets.shoppersPerHour)) shoppers an hour (seed \(PresenceTargets.seed)), simulated in process",
                "and run through the same `Pipeline`, scored by `AccuracyScorer` as `footfall replay --truth`",
                "scores it. A `zone.dwell` is \"in a zone the shopper was not in\" when the shopper's true",
                "zone at the moment the pipeline fired it (the activation moment) is another or none.",
                "The run on receivers that differ simulates the demo store with each sensor's path loss drawn",
                "as the simulated stores' are (`SimulatedStoreMatrix.truePathLoss`) and runs it through the",
                "store file less its `path_loss` lines, as a new user writes it: what the sensor gains learnt",
                "from the shoppers leave of the difference (docs/positioning.md, \"What limits accuracy\").",
                "",
                cells(["run", "metric", "value", "target", ""]),
                cells(["---", "---", "---", "---", "---"]),
            ]
            lines += targets.map { cells([$0.run, $0.metric, $0.display, $0.target, $0.target == "–" ? "" : $0.passes ? "pass" : "FAIL"]) }
        }
        if let svgLink {
            lines += ["", "## Error distributions", "", "![Cumulative error distributions, locator against the bar, per case](\(svgLink))"]
        }
        lines += ["", "## How each case is built", ""]
        for c in cases {
            lines.append("### \(c.name)")
            lines.append("")
            lines.append(c.notes)
            let kinds = c.bestOfEachKind.map { "\($0.method) \(Self.pair($0.errors)) m" }.joined(separator: "; ")
            lines.append("")
            lines.append("Best window of each baseline: \(kinds). Locator \(Self.pair(c.locator)) m.")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    var svg: String {
        let panels = cases.map { c -> ErrorCDFPlot.Panel in
            var curves = [ErrorCDFPlot.Curve(label: "locator", color: Self.locatorColor, errors: c.locator)]
            if let bar = c.bar { curves.append(.init(label: "\(bar.method)", color: Self.barColor, errors: bar.errors)) }
            let subtitles = [
                "bar: \(c.bar.map { "\($0.method)" } ?? "none")",
                "locator \(Self.pair(c.locator)) m, bar \(c.bar.map { Self.pair($0.errors) } ?? "–") m, \(c.passes ? "pass" : "FAIL")",
            ]
            return .init(title: c.name, subtitles: subtitles, curves: curves)
        }
        return ErrorCDFPlot.render(
            panels, title: "Position error, cumulative share of truth samples (\(run.date), \(run.commit))",
            legend: [("locator (Pipeline)", Self.locatorColor), ("bar: the best baseline of the case", Self.barColor)])
    }

    static let locatorColor = "#1f77b4"
    static let barColor = "#ff7f0e"
}
