import Calibration
import FootfallCore
import Simulation

/// One recording of a store — its layout as a new user would write it, its readings and where
/// the device truly was — run once through every variant's pipeline (without a survey, with
/// one), each variant a row of the benchmark.
struct Recording: Sendable {
    enum Source: Sendable {
        /// A dataset's readings in time order, with its truth samples.
        case recorded([Observation], [CausalScoring.Sample])
        /// A simulated period, run in process: truth samples where the person is inside the
        /// outline.
        case simulated(StoreSimulator)
    }

    /// A row of the benchmark: the recording with or without a survey.
    struct Variant: Sendable {
        var name: String
        /// Made when the recording runs, so a simulated survey costs nothing up front.
        var survey: @Sendable () -> [SurveySample]
        /// How the survey was taken and split from the test, for the case's paragraph.
        var notes: String
    }

    var configuration: StoreConfiguration
    var source: Source
    var variants: [Variant]
    /// Whether the truth carries zones to score the reported zone against.
    var scoresZones: Bool
    /// How the recording was built, for every variant's paragraph.
    var notes: String

    /// The recording as a device `decibels` weaker would have made it (a tag at a lower
    /// transmit power, another phone): every reading that much weaker, and those that fall
    /// below the weakest the recording holds (its receivers' floor) not heard at all. A
    /// simulated store is as it was: its phones already differ by ±8 dB.
    func weakened(by decibels: Double) -> Recording {
        guard decibels != 0 else { return self }
        return changingReadings { observations in
            let floor = observations.map(\.rssi).min() ?? 0
            let weaker = observations.compactMap { observation -> Observation? in
                var o = observation
                o.rssi -= decibels
                return o.rssi >= floor ? o : nil
            }
            return (weaker, "Every reading \(SVGDocument.number(decibels)) dB weaker (`--weaker-devices`), those below the weakest recorded (\(SVGDocument.number(floor)) dBm) left out.")
        }
    }

    /// The recording as receivers that hear `n` times fewer packets would have made it (each
    /// scanning part of the time, or a tag advertising less often into a busy band): each
    /// reading kept with probability 1/`n`, independently (seed 1, so every run drops the
    /// same). A simulated store is as it was: its packet loss is the simulator's.
    func thinned(keepingEvery n: Int) -> Recording {
        guard n > 1 else { return self }
        return changingReadings { observations in
            var random = RandomSource(seed: 1)
            return (observations.filter { _ in random.next() % UInt64(n) == 0 }, "One reading in \(n) kept, at random (`--keep-every`).")
        }
    }

    /// The recording as receivers that report each device at most every `seconds` would have
    /// made it (an ESPresense node's gating, a gateway that rate-limits its uplink): of each
    /// device's readings at each sensor, the first, then the first at least `seconds` after the
    /// last one kept. Each sensor keeps its own rhythm, so in most seconds most sensors are
    /// silent though within range. A simulated store is as it was.
    func gated(reportingEvery seconds: Double) -> Recording {
        guard seconds > 0 else { return self }
        return changingReadings { observations in
            var lastKept: [DeviceID: [SensorID: Double]] = [:]
            let kept = observations.filter { observation in
                if let last = lastKept[observation.device]?[observation.sensor], observation.time - last < seconds { return false }
                lastKept[observation.device, default: [:]][observation.sensor] = observation.time
                return true
            }
            return (kept, "Each sensor reports each device at most every \(SVGDocument.number(seconds)) s (`--report-every`).")
        }
    }

    /// The recording as a store with fewer receivers would have made it: the sensors named left
    /// out of its file, its readings and its surveys, so every variant and every baseline sees
    /// only the rest. A simulated store, or a recording without those sensors, is as it was.
    func without(sensors dropped: Set<SensorID>) -> Recording {
        guard case .recorded = source, configuration.layout.sensors.contains(where: { dropped.contains($0.id) }) else { return self }
        var changed = changingReadings { observations in
            let names = dropped.map(\.rawValue).sorted().joined(separator: ", ")
            return (observations.filter { !dropped.contains($0.sensor) }, "Sensors \(names) left out of the file, the readings and the survey (`--without-sensor`).")
        }
        changed.configuration.layout.sensors.removeAll { dropped.contains($0.id) }
        changed.variants = variants.map { variant in
            var v = variant
            let survey = variant.survey
            v.survey = { survey().filter { !dropped.contains($0.sensor) } }
            return v
        }
        return changed
    }

    /// The recording with its readings changed and the change said in its notes; a simulated
    /// store is as it was.
    private func changingReadings(_ change: ([Observation]) -> (readings: [Observation], note: String)) -> Recording {
        guard case .recorded(let observations, let truth) = source else { return self }
        let (readings, note) = change(observations)
        var changed = self
        changed.source = .recorded(readings, truth)
        changed.notes += " " + note
        return changed
    }

    static func withoutSurvey(_ name: String, notes: String = "No survey: the path-loss defaults alone.") -> Variant {
        Variant(name: name, survey: { [] }, notes: notes)
    }
}

/// A dataset that is not where `--datasets` says: one line, and its cases are skipped.
struct MissingDataset: Error, CustomStringConvertible {
    var description: String
}
