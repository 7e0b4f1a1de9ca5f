import ArgumentParser
import Calibration
import FootfallCore
import Foundation
import Positioning

struct CalibrateCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Estimate accuracy by leaving each survey point out: errors per zone and overall, zone confusion, where to add a sensor.",
        discussion: "Each survey point (or, for a dense survey, each block of nearby points) is located by a locator built from the rest of the survey, as the gateway would locate a phone standing there."
    )

    @OptionGroup var store: StoreOption

    @Option(help: "The survey (.csv: time,sensor,device,rssi,x,y[,zone]); default the survey fitted.yaml names, else survey.csv beside store.yaml.")
    var survey: String?

    @Option(help: "Draw the expected error over the floor to this SVG.")
    var heatmap: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if let heatmap, !heatmap.hasSuffix(".svg") { throw ValidationError("--heatmap must name an .svg file, e.g. error.svg") }
    }

    @Flag(help: "Print the figures as one JSON object instead of tables.")
    var json = false

    func run() throws {
        let configuration = try store.load()
        let layout = configuration.layout
        // The survey replay and run use: the one fitted.yaml was fitted to, when it names one.
        let surveyFile = try SurveyFile.load(survey ?? configuration.fitted?.surveyPath ?? SurveyFile.defaultPath(for: configuration))
        try surveyFile.validate(against: configuration)

        var bar = ProgressBar(label: "leaving points out", enabled: !quiet && !json && standardErrorIsTerminal)
        // The gateway's locator: the store's own `positioning:` settings.
        let report = LeaveOneOutCheck(configuration: try PositioningConfiguration(configuration)).run(layout: layout, survey: surveyFile.samples) { bar.update($0) }

        // Expected error over the floor from the sensors' fitted models, scaled to the
        // leave-one-out errors, and the spot where one more sensor lowers it most.
        var calibration = PathLossCalibration()
        calibration.searchPositions = false
        let fits = calibration.fit(surveyFile.samples, layout: layout)
        let models = zip(layout.sensors, fits).map { sensor, fit in
            ErrorMap.SensorModel(
                position: sensor.position, pathLoss: fit.pathLoss ?? sensor.pathLoss(for: .ble),
                noise: fit.residualSD ?? ErrorMap.defaultNoise)
        }
        let measured = report.points.compactMap { p in p.error.map { (point: p.truth, error: $0) } }
        let (map, factor) = ErrorMap(layout: layout, sensors: models).scaled(toMatch: measured)
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        // The search's own map is coarser than the floor's: its cut is applied to the floor's mean,
        // so that the mean before is the one printed above it.
        let best = models.isEmpty ? nil : ErrorMap.bestNewSensor(
            layout: layout, sensors: models, height: median(models.map(\.position.z)),
            model: PathLoss(rssiAt1m: median(models.map(\.pathLoss.rssiAt1m)), exponent: median(models.map(\.pathLoss.exponent))),
            noise: median(models.map(\.noise))
        ).map { best in
            (position: best.position, before: map.mean, after: best.before > 0 ? map.mean * best.after / best.before : map.mean)
        }

        // Where the survey reaches: beyond 3 m of its points the floor's figure is the fitted
        // models' extrapolation, which no left-out point checked.
        let coverage = PathLossCalibration.coverage(surveyFile.samples, layout: layout)

        if json {
            print(Self.json(report: report, expectedMean: map.mean, factor: factor, best: best, coverage: coverage))
        } else {
            print(report.text())
            print("")
            if measured.isEmpty {
                print(String(format: "expected error over the floor: mean %.2f m (the Cramér–Rao bound of the fitted models, unscaled: no point was located)", map.mean))
            } else {
                print(String(format: "expected error over the floor: mean %.2f m (the Cramér–Rao bound of the fitted models × %.2f, matched to the leave-one-out median)", map.mean, factor))
            }
            if coverage < Self.checkedCoverage {
                print("  the survey's points are within 3 m of \(Int((coverage * 100).rounded())) % of the floor: elsewhere this figure is the fitted models' extrapolation, which no survey point checked; survey the rest of the floor to check it (calibration/README.md)")
            }
            if let best {
                let cut = best.before > 0 ? (1 - best.after / best.before) * 100 : 0
                print(String(format: "one more sensor would help most at (%.1f, %.1f): mean expected error %.2f m → %.2f m (−%.0f%%)", best.position.x, best.position.y, best.before, best.after, cut))
            }
        }
        if let heatmap {
            try writeText(HeatMapRenderer.render(layout: layout, map: map, report: report, suggestion: best?.position, title: "\(layout.name): expected position error"), to: heatmap)
            if !json { print("wrote \(heatmap)") }
        }
    }

    /// The figures as one JSON object (metres, rounded to the millimetre).
    /// The share of the floor within 3 m of a survey point under which `check` says its floor
    /// figure is mostly extrapolated.
    static let checkedCoverage = 0.9

    static func json(
        report: LeaveOneOutCheck.Report, expectedMean: Double, factor: Double, best: (position: Point, before: Double, after: Double)?,
        coverage: Double
    ) -> String {
        func m(_ v: Double?) -> Any { v.map { ($0 * 1000).rounded() / 1000 } ?? NSNull() }
        func summary(_ s: LeaveOneOutCheck.ErrorSummary) -> [String: Any] { ["count": s.count, "median_m": m(s.median), "p90_m": m(s.p90)] }
        var object: [String: Any] = [
            "points": report.points.count,
            "folds": report.folds,
            "unlocated": report.unlocated,
            "overall": summary(report.overall),
            "zone_accuracy": report.zoneAccuracy.map { ($0 * 1000).rounded() / 1000 } ?? NSNull(),
            "zones": Dictionary(uniqueKeysWithValues: report.perZone.map { ($0.zone, summary($0.summary)) }),
            "confusion": report.confusion,
            "expected_error_mean_m": m(expectedMean),
            "survey_coverage": (coverage * 1000).rounded() / 1000,
        ]
        if let best {
            object["suggested_sensor"] = [
                "x": m(best.position.x), "y": m(best.position.y),
                "expected_error_mean_before_m": m(best.before), "expected_error_mean_after_m": m(best.after),
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
