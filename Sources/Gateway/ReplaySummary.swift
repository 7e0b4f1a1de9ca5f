import FootfallCore
import Foundation
import Pipeline
import Positioning

/// What `footfall replay` prints: counts and speed, then the accuracy report when scored.
public enum ReplaySummary {
    public static func text(_ r: Replay.Result, trace: String, store: String, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(r.observations) / elapsed : 0
        var lines = ["replayed \(r.observations) observations of \(r.devices) devices in \(String(format: "%.2f", elapsed)) s (\(Int(rate)) observations/s)"]
        let unknown = r.unknownSensors.map(\.observations).reduce(0, +)
        if unknown > 0 {
            lines.append("ignored \(unknown) observations from sensors not in \(store): \(Replay.UnknownSensor.list(r.unknownSensors, file: trace))")
        }
        if r.ignoredObservations > unknown {
            lines.append("ignored \(r.ignoredObservations - unknown) observations whose time is not a number")
        }
        if let line = Self.clockJumpLine(r, trace: trace) { lines.append(line) }
        if let first = r.firstTime, let last = r.lastTime {
            lines.append("trace time \(RFC3339.string(first)) to \(RFC3339.string(last)) (\(String(format: "%.0f", last - first)) s)")
        } else {
            lines.append("the trace holds no readings (only its header): nothing was replayed")
        }
        let events = PresenceEvent.Kind.allCases.map { "\($0.rawValue) \(r.eventCounts[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("\(r.positions) position estimates; events: \(events)")
        if r.countedOnlyEvents > 0 {
            lines.append("\(r.countedOnlyEvents) visit events of unidentified devices kept on the gateway (counted in store.traffic; identity.anonymous_events sends them)")
        }
        if let taken = r.learntRadioTakenBack {
            let ignored = taken.ignored > 0 ? "; \(taken.ignored) no longer fit the store file and were learnt afresh" : ""
            lines.append("radio learnt before: \(taken.restored) values taken back from the data directory\(ignored)")
        }
        if let short = shortVisitsLine(r.visitLengths) { lines.append(short) }
        if r.addressesFollowed.linked > 0 {
            let undone = r.addressesFollowed.undone > 0 ? " (\(r.addressesFollowed.undone) of them undone: the old address was heard again)" : ""
            lines.append("\(r.addressesFollowed.linked) rotating address\(r.addressesFollowed.linked == 1 ? "" : "es") taken as the next of a phone in a visit\(undone)")
        }
        if let gains = gainsLine(r.sensorGains) { lines.append(gains) }
        if let exponent = exponentLine(r.learntExponent) { lines.append(exponent) }
        return lines.joined(separator: "\n")
    }

    /// How many of the visits that ended lasted under a minute, and, where that is a large share,
    /// what it likely means: shoppers' visits last minutes (the simulator's: 5 % under a minute,
    /// the median 6 minutes), while where the sensors hear the pavement as well as the floor
    /// behind the storefront the locator places passers-by inside for 16–53 s (5th to 90th
    /// percentile) as they walk past, and a visit needs only `presence.enter_after` (15 s) inside (docs/positioning.md,
    /// "Passers-by counted as visitors on the simulated stores").
    public static func shortVisitsLine(_ visits: VisitLengths) -> String? {
        shortVisitsLine(ended: visits.ended, underAMinute: visits.underAMinute)
    }

    /// The same from the counts (as /api/status gives them to `footfall status`).
    public static func shortVisitsLine(ended: Int, underAMinute: Int) -> String? {
        guard ended > 0 else { return nil }
        let share = Double(underAMinute) / Double(ended)
        var line = "visits ended: \(ended), \(underAMinute) of them (\(String(format: "%.1f", share * 100)) %) under a minute"
        if share >= shortVisitShare {
            line += "\nso many visits under a minute are mostly passers-by taken in as they walked past the storefront;"
                + " presence.enter_after: 60 keeps them out, each store.entered decided that much later (docs/configuration.md)"
        }
        return line
    }

    /// The share of visits under a minute from which the summary says they are mostly
    /// passers-by: four times the simulator's shoppers' 5 %. On the demo store, whose sensors
    /// are 6 m behind its storefront, 7.5 % of the visits end within a minute (1 h, seed 7); on
    /// the simulated stores of `make accuracy` 6–58 % of the visits detected are false ones
    /// (docs/accuracy.md, the visits table), nearly all of them under a minute.
    public static let shortVisitShare = 0.2

    /// The learnt sensor gains, where any sensor has a device's worth of evidence: a sensor far
    /// from 0 hears louder or softer than its model (mounting, enclosure), which a survey or
    /// its `path_loss` in the store file would fix for the first minutes of every run.
    public static func gainsLine(_ gains: [SensorGain]) -> String? {
        guard gains.contains(where: { $0.devices >= 1 }) else { return nil }
        let list = gains.map { "\($0.sensor.rawValue) \(String(format: "%+.1f", $0.decibels))" }.joined(separator: ", ")
        var line = "sensor gains learnt (dB louder than the model): \(list)"
        if let spread = gainSpread(gains), spread >= differingGains {
            line += "\nthe sensors differ from the model by up to \(String(format: "%.1f", spread)) dB from their mean: learnt gains hold neither each one's own exponent nor the first minutes"
                + " and passers-by may be counted as visitors; survey the store (footfall calibrate record, then calibrate fit) to state each one's path_loss"
        }
        return line
    }

    /// How far (dB) a learnt gain may lie from the sensors' mean before the summary asks for a
    /// survey: 2 dB is 23 % in range at the default exponent, and learnt gains hold a sensor's
    /// level (fully only once many devices have taught it) but not its own exponent. The demo
    /// store's learnt gains (its sensors within 1 dB of the model) lie within 1.3 dB of their
    /// mean; on receivers drawn as the simulated stores' (`make accuracy`'s presence rows),
    /// 7.8 % of passers-by are counted as visitors against 0.5 % with the path loss stated
    /// (docs/positioning.md, "What limits accuracy").
    public static let differingGains = 2.0

    /// The largest distance of a learnt gain from the gains' mean (a phone's offset takes up
    /// what all sensors share), over the sensors with a device's worth of evidence.
    static func gainSpread(_ gains: [SensorGain]) -> Double? {
        let taught = gains.filter { $0.devices >= 1 }.map(\.decibels)
        guard taught.count >= 2 else { return nil }
        let mean = taught.reduce(0, +) / Double(taught.count)
        return taught.map { abs($0 - mean) }.max()
    }

    /// The building's path-loss exponent as learnt, once a device's worth of evidence is in:
    /// far from 0, the store's `path_loss` lines (or a survey) would place every device better
    /// from the first minute.
    public static func exponentLine(_ exponent: LearntExponent?) -> String? {
        guard let exponent, exponent.devices >= 1 else { return nil }
        return "path-loss exponent learnt: \(String(format: "%+.2f", exponent.deviation)) against the model's (from \(String(format: "%.1f", exponent.devices)) devices)"
    }

    public static func json(_ r: Replay.Result, elapsed: Double) -> String {
        var object: [String: Any] = [:]
        if let report = r.report,
           let decoded = try? JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any] {
            object = decoded
        }
        object["observations"] = r.observations
        object["ignored_observations"] = r.ignoredObservations
        object["clock_jumps"] = r.clockJumps
        object["clock_jumps_by_sensor"] = r.jumpedSensors.map {
            ["sensor": AddressRedaction.redacted($0.sensor.rawValue), "first_line": $0.firstLine, "jumps": $0.jumps] as [String: Any]
        }
        // Masked as the text says them: a trace whose columns are swapped names addresses here.
        object["unknown_sensors"] = r.unknownSensors.map {
            ["sensor": AddressRedaction.redacted($0.sensor.rawValue), "first_line": $0.firstLine, "observations": $0.observations] as [String: Any]
        }
        object["devices"] = r.devices
        object["positions"] = r.positions
        object["events"] = Dictionary(uniqueKeysWithValues: PresenceEvent.Kind.allCases.map { ($0.rawValue, r.eventCounts[$0] ?? 0) })
        object["counted_only_events"] = r.countedOnlyEvents
        object["addresses_followed"] = r.addressesFollowed.linked
        object["addresses_followed_undone"] = r.addressesFollowed.undone
        object["visits_ended"] = r.visitLengths.ended
        object["visits_under_a_minute"] = r.visitLengths.underAMinute
        // The learnt radio as /api/status gives it.
        if let data = try? JSONEncoder().encode(LearntRadio(gains: r.sensorGains, exponent: r.learntExponent)),
           let radio = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            object.merge(radio) { _, learnt in learnt }
        }
        if let taken = r.learntRadioTakenBack {
            object["learnt_radio_taken_back"] = ["values": taken.restored, "no_longer_fitting": taken.ignored]
        }
        object["elapsed_s"] = (elapsed * 1000).rounded() / 1000
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// What the replay did about readings whose time jumped: the whole recording's (every
    /// sensor alike), or some sensors' clocks off from the others', named with the line of
    /// their first jump.
    static func clockJumpLine(_ r: Replay.Result, trace: String) -> String? {
        guard r.clockJumps > 0 else { return nil }
        let times = "\(r.clockJumps) time\(r.clockJumps == 1 ? "" : "s")"
        let sensorJumps = r.jumpedSensors.filter { $0.jumps > 0 }
        if sensorJumps.isEmpty || sensorJumps.count >= r.sensorsHeard {
            let line = sensorJumps.first.map { " (first at \(trace):\($0.firstLine))" } ?? ""
            return "the trace's time jumped \(times)\(line) (back by more than \(Int(Pipeline.clockJumpThreshold)) s, or on by more than \(Int(Pipeline.largestGap / 86_400)) days): the readings after each were replayed on from the clock; sort the trace by time if that is not what the recording did"
        }
        let named = sensorJumps.prefix(5).map { "'\($0.sensor.rawValue)' (first at \(trace):\($0.firstLine), \($0.jumps) time\($0.jumps == 1 ? "" : "s"))" }
        let more = sensorJumps.count > 5 ? " and \(sensorJumps.count - 5) more" : ""
        let these = sensorJumps.count == 1 ? "that sensor's clock was" : "those sensors' clocks were"
        return "the readings of \(named.joined(separator: ", "))\(more) lay more than \(Int(Pipeline.clockJumpThreshold)) s from the other sensors' in the trace's order: \(these) off, and \(sensorJumps.count == 1 ? "its" : "their") readings were replayed at the clock's time, the other sensors' as they were; put \(sensorJumps.count == 1 ? "its" : "their") clock right (or sort the trace by time, if it was merged out of order)"
    }
}
