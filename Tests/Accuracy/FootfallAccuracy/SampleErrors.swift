import Calibration
import FootfallCore
import Foundation

/// `FootfallAccuracy --errors DIR`: every truth sample of a case with what the locator and the
/// bar gave for it, one CSV per case, for looking into where and how a case errs (which way,
/// where in the store, how soon after a device is first heard), and beside it what the
/// locator had learnt of the radio by the end (`Locator.learntRadio()`).
enum SampleErrors {
    static let header =
        "device,time,truth_x,truth_y,locator_x,locator_y,locator_error_m,locator_uncertainty_m,bar_x,bar_y,bar_error_m,true_zone,reported_zone,containing_zone"

    /// The case's file: its name in lower case, runs of other characters as one hyphen.
    static func path(in folder: String, case name: String) -> String {
        var slug = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        return URL(fileURLWithPath: folder).appendingPathComponent(slug + ".csv").path
    }

    static func write(
        samples: [CausalScoring.Sample], locator: CausalScoring.Result, bar: (method: Baselines.Method, positions: [Point?], errors: [Double])?,
        zones: StoreLayout?, to path: String
    ) throws {
        func n(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "" }
            return String(format: "%.3f", value)
        }
        var lines = [header]
        lines.reserveCapacity(samples.count + 1)
        for (i, sample) in samples.enumerated() {
            var truth: Point?
            if case .point(let p) = sample.truth { truth = p }
            let estimate = locator.estimates[i]
            let containing = estimate.flatMap { zones?.zone(containing: $0.position)?.id }
            let fields: [String] = [
                DelimitedField.escape(sample.device.description), String(format: "%.3f", sample.time), n(truth?.x), n(truth?.y),
                n(estimate?.position.x), n(estimate?.position.y), n(locator.errors[i]), n(estimate?.uncertainty),
                n(bar?.positions[i]?.x), n(bar?.positions[i]?.y), n(bar?.errors[i]),
                DelimitedField.escape(sample.zone ?? ""), DelimitedField.escape(estimate?.zone ?? ""), DelimitedField.escape(containing ?? ""),
            ]
            lines.append(fields.joined(separator: ","))
        }
        try write(lines, to: path)
    }

    /// The sensors' gains and the building's exponent as learnt at the end of the case; with
    /// `taught`, beside each gain what the true positions would have taught it
    /// (`TrueResiduals`).
    static func write(learntRadio values: [LearntRadioValue], taught: [SensorID: Double]?, to path: String) throws {
        let lines = ["radio,kind,sensor,value,devices,taught_by_true_positions"] + values.map { v in
            let truth = v.kind == .sensorGain ? v.sensor.flatMap { taught?[$0] } : nil
            return [
                v.radio.rawValue, v.kind.rawValue, DelimitedField.escape(v.sensor?.description ?? ""), String(format: "%.3f", v.value),
                String(format: "%.1f", v.devices), truth.map { String(format: "%.3f", $0) } ?? "",
            ].joined(separator: ",")
        }
        try write(lines, to: path)
    }

    private static func write(_ lines: [String], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
