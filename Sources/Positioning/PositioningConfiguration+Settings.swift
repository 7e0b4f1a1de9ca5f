import FootfallCore

/// The store file's `positioning:` section: every field of `PositioningConfiguration` by its
/// snake_case name, with its unit and the range a store can sensibly set it to
/// (docs/positioning.md describes each).
extension PositioningConfiguration {
    /// One settable field.
    struct Field: Sendable {
        enum Kind: Sendable {
            case number(WritableKeyPath<PositioningConfiguration, Double> & Sendable)
            /// A number that, when not set, is learnt from the readings.
            case learnt(WritableKeyPath<PositioningConfiguration, Double?> & Sendable)
            case count(WritableKeyPath<PositioningConfiguration, Int> & Sendable)
            case flag(WritableKeyPath<PositioningConfiguration, Bool> & Sendable)
            case engine
            /// One end of `plausibleRSSI`.
            case plausibleLow, plausibleHigh
        }

        var name: String
        var kind: Kind
        var range: ClosedRange<Double> = -Double.greatestFiniteMagnitude ... Double.greatestFiniteMagnitude
        var unit = ""
    }

    /// Every setting, in the order of docs/positioning.md.
    static let fields: [Field] = [
        Field(name: "engine", kind: .engine),
        Field(name: "window", kind: .number(\.window), range: 0.1 ... 600, unit: "seconds"),
        Field(name: "forget_after", kind: .number(\.forgetAfter), range: 0.1 ... 86_400, unit: "seconds"),
        Field(name: "plausible_rssi_min", kind: .plausibleLow, range: -150 ... 20, unit: "dBm"),
        Field(name: "plausible_rssi_max", kind: .plausibleHigh, range: -150 ... 20, unit: "dBm"),
        Field(name: "outside_margin", kind: .number(\.outsideMargin), range: 0 ... 100, unit: "metres"),
        Field(name: "outlier_gate", kind: .number(\.outlierGate), range: 1 ... 100, unit: "dB"),
        Field(name: "rssi_noise", kind: .number(\.rssiNoise), range: 0.5 ... 30, unit: "dB"),
        Field(name: "receiver_sensitivity", kind: .learnt(\.receiverSensitivity), range: -200 ... 0, unit: "dBm"),
        Field(name: "silent_after_packets", kind: .count(\.silentAfterPackets), range: 1 ... 1000, unit: "packets"),
        Field(name: "silent_spread", kind: .number(\.silentSpread), range: 0.1 ... 10, unit: "× rssi_noise"),
        Field(name: "street_beyond_corners", kind: .number(\.streetBeyondCorners), range: 0 ... 100, unit: "metres"),
        Field(name: "attenuation_spread", kind: .number(\.attenuationSpread), range: 1 ... 10, unit: "× rssi_noise"),
        Field(name: "attenuation_huber_threshold", kind: .number(\.attenuationHuberThreshold), range: 0.1 ... 100, unit: "standard deviations"),
        Field(name: "huber_threshold", kind: .number(\.huberThreshold), range: 0.1 ... 100, unit: "standard deviations"),
        Field(name: "transmit_offset_sigma", kind: .number(\.transmitOffsetSigma), range: 0.01 ... 50, unit: "dB"),
        Field(name: "transmit_offset_mean", kind: .number(\.transmitOffsetMean), range: -50 ... 50, unit: "dB"),
        Field(name: "transmit_offset_learning", kind: .number(\.transmitOffsetLearning), range: 0 ... 1, unit: "share"),
        Field(name: "transmit_offset_carry", kind: .number(\.transmitOffsetCarry), range: 0 ... 1, unit: "share"),
        Field(name: "transmit_offset_floor", kind: .number(\.transmitOffsetFloor), range: 0.01 ... 50, unit: "dB"),
        Field(name: "surveyed_device_level_spread", kind: .number(\.surveyedDeviceLevelSpread), range: 0.01 ... 50, unit: "dB"),
        Field(name: "sensor_gain_learning", kind: .flag(\.sensorGainLearning)),
        Field(name: "sensor_gain_prior_devices", kind: .number(\.sensorGainPriorDevices), range: 0 ... 10_000, unit: "devices"),
        Field(name: "path_loss_exponent_spread", kind: .number(\.pathLossExponentSpread), range: 0 ... 3, unit: "exponent"),
        Field(name: "path_loss_exponent_local_spread", kind: .number(\.pathLossExponentLocalSpread), range: 0 ... 3, unit: "exponent"),
        Field(name: "outside_band", kind: .number(\.outsideBand), range: 0 ... 50, unit: "metres"),
        Field(name: "outside_wall_loss", kind: .number(\.outsideWallLoss), range: 0 ... 40, unit: "dB"),
        Field(name: "outside_band_along_storefront", kind: .flag(\.outsideBandAlongStorefront)),
        Field(name: "walls_between_inside_and_outside", kind: .flag(\.wallsBetweenInsideAndOutside)),
        Field(name: "entrance_radius", kind: .number(\.entranceRadius), range: 0 ... 50, unit: "metres"),
        Field(name: "door_exit_share", kind: .number(\.doorExitShare), range: 0 ... 1, unit: "share"),
        Field(name: "door_exit_share_after", kind: .number(\.doorExitShareAfter), range: 0 ... 3600, unit: "seconds"),
        Field(name: "inside_enter_probability", kind: .number(\.insideEnterProbability), range: 0 ... 1, unit: "probability"),
        Field(name: "inside_exit_probability", kind: .number(\.insideExitProbability), range: 0 ... 1, unit: "probability"),
        Field(name: "outside_prior", kind: .number(\.outsidePrior), range: 0 ... 100, unit: "weight"),
        Field(name: "grid_step", kind: .number(\.gridStep), range: 0.1 ... 10, unit: "metres"),
        Field(name: "cells_per_sensor_spacing", kind: .number(\.cellsPerSensorSpacing), range: 1 ... 1000, unit: "cells"),
        Field(name: "maximum_cells", kind: .count(\.maximumCells), range: 100 ... 1_000_000, unit: "cells"),
        Field(name: "shadowing_correlation", kind: .number(\.shadowingCorrelation), range: 0.1 ... 50, unit: "metres"),
        Field(name: "shadowing_spread", kind: .number(\.shadowingSpread), range: 0 ... 30, unit: "dB"),
        Field(name: "browsing_diffusion", kind: .number(\.browsingDiffusion), range: 0 ... 10, unit: "m²/s"),
        Field(name: "walking_speed", kind: .number(\.walkingSpeed), range: 0 ... 10, unit: "m/s"),
        Field(name: "walking_fraction", kind: .number(\.walkingFraction), range: 0 ... 1, unit: "share"),
        Field(name: "grid_drift", kind: .number(\.gridDrift), range: 0 ... 2, unit: "share"),
        Field(name: "restart_evidence", kind: .number(\.restartEvidence), range: 0.1 ... 1000, unit: "nats"),
        Field(name: "maximum_speed", kind: .number(\.maximumSpeed), range: 0.1 ... 50, unit: "m/s"),
        Field(name: "tracker_acceleration", kind: .number(\.trackerAcceleration), range: 0.001 ... 100, unit: "m²/s³"),
        Field(name: "zone_margin", kind: .number(\.zoneMargin), range: 0 ... 50, unit: "metres"),
        Field(name: "zone_margin_per_uncertainty", kind: .number(\.zoneMarginPerUncertainty), range: 0 ... 10, unit: "share"),
        Field(name: "zone_margin_per_speed", kind: .number(\.zoneMarginPerSpeed), range: 0 ... 60, unit: "seconds"),
    ]

    /// Settings a store file may still carry from an earlier version, and what replaced them.
    static let retired = [
        "zone_stay": "the zone model is now a margin around each zone's border: remove it, or set `zone_margin`",
        "zone_report_probability": "the zone model is now a margin around each zone's border: remove it, or set `zone_margin`",
        "zone_evidence_share": "the zone model is now a margin around each zone's border: remove it, or set `zone_margin_per_uncertainty`",
    ]

    /// The settable names, in documentation order.
    public static var settingNames: [String] { fields.map(\.name) }

    /// The defaults with the store file's `positioning:` settings applied.
    /// - Throws: `ConfigurationError` naming the file, the line and the setting, for an
    ///   unknown name, a value of the wrong kind or out of range, or settings that contradict
    ///   each other.
    public init(settings: [String: StoreConfiguration.Setting], file: String) throws(ConfigurationError) {
        self.init()
        var plausibleLow = plausibleRSSI.lowerBound, plausibleHigh = plausibleRSSI.upperBound
        // In name order, so that the first error reported does not depend on hashing.
        for name in settings.keys.sorted() {
            let setting = settings[name]!
            func fail(_ message: String) -> ConfigurationError {
                ConfigurationError(file: file, line: setting.line, field: "positioning.\(name)", message: message)
            }
            guard let field = Self.fields.first(where: { $0.name == name }) else {
                if let replacement = Self.retired[name] { throw fail("no longer a setting; \(replacement) (docs/positioning.md, Zones)") }
                let hint = Self.closestName(to: name).map { "did you mean `\($0)`? " } ?? ""
                throw fail("unknown setting; \(hint)docs/positioning.md lists them all")
            }
            func number() throws(ConfigurationError) -> Double {
                guard setting.text == nil, setting.value.isFinite else {
                    throw fail("expected a number of \(field.unit), found '\(setting.text ?? "\(setting.value)")'")
                }
                guard field.range.contains(setting.value) else {
                    throw fail(
                        "\(Self.format(setting.value)) is out of range; set it between \(Self.format(field.range.lowerBound)) and \(Self.format(field.range.upperBound)) \(field.unit)")
                }
                return setting.value
            }
            switch field.kind {
            case .number(let path):
                self[keyPath: path] = try number()
            case .learnt(let path):
                self[keyPath: path] = try number()
            case .count(let path):
                let value = try number()
                guard value == value.rounded() else { throw fail("expected a whole number of \(field.unit), found \(Self.format(value))") }
                self[keyPath: path] = Int(value)
            case .flag(let path):
                guard let flag = setting.text.flatMap(OptionsReader.flag) else {
                    throw fail("expected true or false, found '\(setting.text ?? Self.format(setting.value))'")
                }
                self[keyPath: path] = flag
            case .engine:
                guard let text = setting.text, let engine = Engine(rawValue: text) else {
                    let choices = Engine.allCases.map(\.rawValue).joined(separator: " or ")
                    throw fail("expected \(choices), found '\(setting.text ?? Self.format(setting.value))'")
                }
                self.engine = engine
            case .plausibleLow:
                plausibleLow = try number()
            case .plausibleHigh:
                plausibleHigh = try number()
            }
        }
        // Pairs that only make sense one way round.
        func contradiction(_ name: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, line: settings[name]?.line, field: "positioning.\(name)", message: message)
        }
        guard plausibleLow < plausibleHigh else {
            let name = settings["plausible_rssi_min"] != nil ? "plausible_rssi_min" : "plausible_rssi_max"
            throw contradiction(
                name, "plausible_rssi_min (\(Self.format(plausibleLow)) dBm) must be below plausible_rssi_max (\(Self.format(plausibleHigh)) dBm)")
        }
        plausibleRSSI = plausibleLow ... plausibleHigh
        if insideExitProbability > insideEnterProbability {
            let name = settings["inside_exit_probability"] != nil ? "inside_exit_probability" : "inside_enter_probability"
            throw contradiction(
                name, "inside_exit_probability (\(Self.format(insideExitProbability))) must not exceed inside_enter_probability (\(Self.format(insideEnterProbability))); the gap between them is the hysteresis")
        }
        if forgetAfter < window {
            let name = settings["forget_after"] != nil ? "forget_after" : "window"
            throw contradiction(name, "forget_after (\(Self.format(forgetAfter)) s) must be at least window (\(Self.format(window)) s)")
        }
    }

    /// The store's settings applied to the defaults (`init(settings:file:)`).
    public init(_ store: StoreConfiguration) throws(ConfigurationError) {
        try self.init(settings: store.positioning, file: store.file)
    }

    /// The known name nearest to a misspelt one (at most a third of its letters off).
    static func closestName(to name: String) -> String? {
        let best = fields.map { ($0.name, editDistance(name, $0.name)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
