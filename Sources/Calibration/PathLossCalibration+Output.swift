import FootfallCore
import Foundation

extension PathLossCalibration {
    /// `fitted.yaml` for the fits (format in `FittedPathLoss`); sensors not fitted are listed
    /// in a comment and keep their configured model.
    public static func fittedYAML(_ fits: [SensorFit], survey: String) -> String {
        var lines = [
            "# Path loss fitted by `footfall calibrate fit` to \(survey) (robust Huber regression).",
            "# The store configuration reads this file beside store.yaml; refit rather than edit.",
            "survey: \(yamlScalar(survey))",
        ]
        let fitted = fits.filter { $0.pathLoss != nil }
        if fitted.isEmpty {
            lines.append("sensors: {}")
        } else {
            lines.append("sensors:")
            for fit in fitted {
                let p = fit.pathLoss!
                lines.append(
                    "  \(yamlScalar(fit.sensor.rawValue)): { rssi_at_1m: \(fixed(p.rssiAt1m, 2)), exponent: \(fixed(p.exponent, 3)), residual_sd: \(fixed(fit.residualSD ?? 0, 2)), points: \(fit.points) }")
            }
        }
        let missing = fits.filter { $0.pathLoss == nil }.map(\.sensor.rawValue)
        if !missing.isEmpty { lines.append("# not fitted (never heard, too few readings, or an implausible fit): \(missing.joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The share of the floor (a 1 m grid inside the outline) within `reach` metres of a
    /// survey point on it: where the fitted models and the radio map rest on readings rather
    /// than on the models' guess. 0 without floor points.
    public static func coverage(_ samples: [SurveySample], layout: StoreLayout, reach: Double = 3) -> Double {
        let points = Array(Set(samples.compactMap(\.point).filter { layout.outline.contains($0) }))
        guard !points.isEmpty else { return 0 }
        let box = layout.outline.boundingBox
        var inside = 0, covered = 0
        var y = box.min.y + 0.5
        while y < box.max.y {
            var x = box.min.x + 0.5
            while x < box.max.x {
                let cell = Point(x: x, y: y)
                if layout.outline.contains(cell) {
                    inside += 1
                    if points.contains(where: { $0.distance(to: cell) <= reach }) { covered += 1 }
                }
                x += 1
            }
            y += 1
        }
        return inside > 0 ? Double(covered) / Double(inside) : 0
    }

    /// A table a person reads: one line per sensor, then what to look at.
    public static func table(_ fits: [SensorFit]) -> String {
        var lines = ["sensor        rssi@1m  exponent  residual_sd  points  samples  notes"]
        for fit in fits {
            let name = fit.sensor.rawValue.padding(toLength: max(12, fit.sensor.rawValue.count), withPad: " ", startingAt: 0)
            let a = fit.pathLoss.map { fixed($0.rssiAt1m, 1) } ?? "–"
            let n = fit.pathLoss.map { fixed($0.exponent, 2) } ?? "–"
            let sd = fit.residualSD.map { fixed($0, 1) + " dB" } ?? "–"
            let notes = fit.flags.isEmpty ? "ok" : fit.flags.map(shortNote).joined(separator: "; ")
            lines.append(
                "\(name)  \(pad(a, 7))  \(pad(n, 8))  \(pad(sd, 11))  \(pad(String(fit.points), 6))  \(pad(String(fit.samples), 7))  \(notes)")
        }
        let flagged = fits.filter { !$0.flags.isEmpty }
        for fit in flagged {
            for flag in fit.flags { lines.append("\(fit.sensor): \(flag)") }
        }
        return lines.joined(separator: "\n")
    }

    static func shortNote(_ flag: Flag) -> String {
        switch flag {
        case .neverHeard: "NEVER HEARD"
        case .poorFit: "POOR FIT"
        case .exponentHeld: "exponent held"
        case .positionSuspect(let d, _, _, _): "POSITION? (fits \(fixed(d, 1)) m away)"
        case .implausible: "IMPLAUSIBLE, not fitted"
        }
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

    static func yamlScalar(_ s: String) -> String {
        let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } && !s.isEmpty && Double(s) == nil
        return plain ? s : "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
