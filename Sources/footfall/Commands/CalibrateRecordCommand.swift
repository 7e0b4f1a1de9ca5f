import ArgumentParser
import Calibration
import FootfallCore
import Foundation
import Gateway
import Logging
import Positioning
import Presence

struct CalibrateRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Collect a survey point: what each sensor hears of a phone held at X,Y, appended to the store's survey.",
        discussion: """
            Stand at the point with the survey phone advertising and run the command.
            Sources:
              live                the store file's own live sources (sources:, as
                                  `footfall run` starts them: an ESPresense broker,
                                  a BlueZ adapter, a serial controller, a Wi-Fi
                                  interface), for --seconds from the first
                                  reading heard (waiting up to 30 s for one)
              trace:FILE[@start]  readings from a recorded trace, for --seconds from
                                  `start` (a time of the trace's own, or seconds
                                  after its first reading)
            """
    )

    @OptionGroup var store: StoreOption

    @Option(parsing: .unconditional, help: "Where the phone is: x,y in metres in the store frame, e.g. 12.5,4.")
    var at: String

    @Option(help: "The zone the point is in, written with it (default: none written; the zone containing the point is printed).")
    var zone: String?

    @Option(help: "The survey phone's device id (default: the BLE device heard most, written under a pseudonym when its id is an address).")
    var device: String?

    @Option(parsing: .unconditional, help: "Seconds of readings to collect.")
    var seconds: Double = 30

    @Option(help: "Where readings come from: live, or trace:FILE[@start].")
    var source: String

    @Option(help: "The survey file to append to; default survey.csv beside store.yaml.")
    var survey: String?

    func validate() throws {
        guard Self.parsePoint(at) != nil else { throw ValidationError("--at must be x,y in metres, e.g. --at 12.5,4") }
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be more than 0 and at most 600") }
    }

    static func parsePoint(_ text: String) -> Point? {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let x = parts[0], let y = parts[1], x.isFinite, y.isFinite else { return nil }
        return Point(x: x, y: y)
    }

    /// Where the window begins: `requested` as a time of the trace's own when it is a Unix
    /// time (from 2001 on) or not before the trace's earliest reading, else that many seconds
    /// after the earliest reading; the earliest reading without one.
    static func windowStart(_ requested: Double?, firstReading: Double) -> Double {
        guard let requested else { return firstReading }
        return requested >= 1e9 || requested >= firstReading ? requested : firstReading + requested
    }

    /// `trace:FILE[@start]`; other kinds get one line naming what there is.
    static func parseSource(_ text: String) throws -> (path: String, start: Double?) {
        guard text.hasPrefix("trace:") else {
            let kind = text.split(separator: ":").first.map(String.init) ?? text
            throw CommandFailure("source '\(kind)' is not one to record from; use live (the store file's own sources: an ESPresense broker, a BlueZ adapter, …) or trace:FILE[@start] (a recorded trace, e.g. --source trace:walk.csv@120)")
        }
        var path = String(text.dropFirst("trace:".count))
        var start: Double?
        if let at = path.lastIndex(of: "@"), let value = Double(path[path.index(after: at)...]) {
            start = value
            path = String(path[..<at])
        }
        guard !path.isEmpty else { throw CommandFailure("--source trace: needs a file, e.g. --source trace:walk.csv") }
        return (path, start)
    }

    /// A sink for the sources' own log lines while recording: the command says what matters.
    static let quietLogger = Logger(label: "footfall.record") { _ in SwiftLogNoOpLogHandler() }

    /// The readings of a trace in [start, start + seconds), in time order.
    static func traceWindow(source: String, seconds: Double) throws -> (path: String, start: Double?, window: [Observation]) {
        let (path, requestedStart) = try parseSource(source)
        func reader() throws -> TraceReader {
            do {
                return try TraceReader(path: path)
            } catch let error as FormatError {
                throw CommandFailure("\(error)")
            }
        }
        // Take the window [start, start + seconds) of the trace: `start` a time of the trace's
        // own (a Unix time), or seconds after its earliest reading. The whole file is read,
        // twice: a trace put together from several sensors' recordings is in time order only
        // within each, and its earliest reading may stand anywhere.
        // (A pipe, which cannot be read twice, is read once and kept.)
        let regular = (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
        var earliest: Double?
        var unordered = false
        var last = -Double.infinity
        var kept: [Observation] = []
        let first = try reader()
        while let o = try first.read() {
            earliest = min(earliest ?? o.time, o.time)
            if o.time < last { unordered = true }
            last = o.time
            if !regular { kept.append(o) }
        }
        var window: [Observation] = []
        let start = earliest.map { Self.windowStart(requestedStart, firstReading: $0) }
        if let start {
            let inWindow = { (o: Observation) in o.time >= start && o.time < start + seconds }
            if regular {
                let second = try reader()
                while let o = try second.read() {
                    if inWindow(o) { window.append(o) }
                }
            } else {
                window = kept.filter(inWindow)
            }
        }
        if unordered {
            window.sort { $0.time < $1.time }
            print("note: \(path) is not in time order; every reading in the window was taken wherever it stood in the file")
        }
        return (path, start, window)
    }

    func run() async throws {
        let configuration = try store.load()
        let layout = configuration.layout
        let point = Self.parsePoint(at)!
        // The floor, or the pavement before the storefront, which a survey may map too
        // (`Street`; docs/calibration.md).
        let positioning = try PositioningConfiguration(configuration)
        guard Street.isOnFloor(point, layout: layout) || Street.contains(point, layout: layout, configuration: positioning) else {
            throw CommandFailure("--at \(at) is outside the outline of \(layout.id) and not on the street before it; give x,y in metres inside the store, or on the pavement within \(SVGDocument.number(positioning.outsideBand)) m of a wall with an entrance (see `footfall zones render`)")
        }
        if let zone {
            guard let labelled = layout.zone(zone) else {
                throw CommandFailure("--zone \(zone) is not a zone of \(layout.id); use one of \(layout.zones.map(\.id).joined(separator: ", "))")
            }
            // As the survey's check will ask of the line (`PathLossCalibration.validateSamples`).
            if let outside = PathLossCalibration.distanceOutside(labelled, point) {
                throw CommandFailure("--at \(at) is \(String(format: "%.1f", outside)) m outside zone \(zone); check --at, or leave --zone out to label the point with the zone it is in")
            }
        }
        // The survey appended to is read first: a problem in it is said before the readings
        // are collected and shown. An empty file (made with touch, or cut off) is a new survey.
        let surveyPath = survey ?? SurveyFile.defaultPath(for: configuration)
        var existing: [SurveySample] = []
        let surveyTarget = resolvedLinks(surveyPath)
        if let size = (try? FileManager.default.attributesOfItem(atPath: surveyTarget))?[.size] as? Int, size > 0 {
            existing = try SurveyCodec.readSurvey(path: surveyTarget)
        }
        let path: String
        var start: Double?
        var window: [Observation]
        var states: [String: String] = [:]
        if source == "live" {
            path = "the store's sources"
            print("listening on the sources of \(configuration.file): \(SVGDocument.number(seconds)) s from the first reading (waiting up to \(SVGDocument.number(SourceRecording.waitForFirstReading)) s for one)…")
            let recorded: SourceRecording.Recorded
            do {
                recorded = try await SourceRecording.record(configuration: configuration, seconds: seconds, logger: Self.quietLogger)
            } catch let refusal as SourceRecording.Refusal {
                throw CommandFailure(refusal.description)
            }
            window = recorded.observations.sorted { $0.time < $1.time }
            states = recorded.states
            start = window.first?.time
        } else {
            (path, start, window) = try Self.traceWindow(source: source, seconds: seconds)
        }
        let known = Set(layout.sensors.map(\.id))
        // A survey is of a BLE tag or phone (its lines have no radio, and are fitted as BLE):
        // Wi-Fi probe requests, about 14 dB louder at a metre, would bias every sensor's fit.
        let wifi = window.filter { $0.radio != .ble }
        window.removeAll { $0.radio != .ble }
        let chosen: DeviceID
        if let device {
            // An address as a phone or bluetoothctl shows it (upper case) is the trace's too.
            let wanted = device.lowercased()
            let matches = { (o: Observation) in o.device.rawValue == device || o.device.rawValue.lowercased() == wanted }
            if !window.contains(where: matches), wifi.contains(where: matches) {
                throw CommandFailure("\(path): \(AddressRedaction.redacted(device)) was heard over Wi-Fi only in that window; a survey is recorded with a BLE tag or phone advertising (its readings are fitted as BLE)")
            }
            chosen = window.first(where: matches)?.device ?? DeviceID(device)
        } else {
            var counts: [DeviceID: Int] = [:]
            for o in window where known.contains(o.sensor) { counts[o.device, default: 0] += 1 }
            guard let most = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else {
                if source == "live" {
                    let said = states.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
                    throw CommandFailure("the store's sources heard no BLE device by its sensors\(window.isEmpty && wifi.isEmpty ? " within \(SVGDocument.number(SourceRecording.waitForFirstReading)) s" : " in \(SVGDocument.number(seconds)) s")\(said.isEmpty ? "" : " (\(said))"); check the sources reach their sensors (`footfall run --check`) and the survey phone advertises")
                }
                throw CommandFailure("\(path): no readings by the store's sensors in the \(Int(seconds)) s from \(start.map { String($0) } ?? "the start"); check --source's start time and the sensor ids")
            }
            chosen = most.key
            // A phone's or tag's address is not printed: the device heard most may be a shopper's.
            let shown = AddressRedaction.redacted(chosen.rawValue)
            let hint = shown == chosen.rawValue ? "pass --device to choose" : "its address is not shown: pass --device with the survey phone's id to be sure of it"
            print("device \(shown) (heard most; \(hint))")
        }
        var samples: [SurveySample] = []
        var unknown = 0
        // Only a zone the engineer named is written: the point's coordinates say which zone it
        // is in, and a label worked out here would hold the survey to today's zones.
        let zoneLabel = zone ?? layout.zone(containing: point)?.id
        // No address is written into the survey (a file copied off the gateway; the device
        // heard most may be a shopper's, and one named is still an address), but a pseudonym of
        // it, the same at every point so the survey's own device is still one device
        // (`Locator`'s level of each survey device), keyed with a secret of the store's folder
        // so that it cannot be reversed by trying the addresses of a vendor.
        let written = AddressRedaction.redacted(chosen.rawValue) != chosen.rawValue
            ? DeviceID("survey-" + Pseudonymizer(key: try SurveyDeviceKey.key(for: configuration)).identityKey(for: chosen).dropFirst("id-".count))
            : chosen
        for o in window where o.device == chosen {
            guard known.contains(o.sensor) else { unknown += 1; continue }
            samples.append(SurveySample(time: o.time, sensor: o.sensor, device: written, rssi: o.rssi, point: point, zone: zone))
        }
        // Refused before the table, which would show nothing heard above the error.
        guard !samples.isEmpty else {
            throw CommandFailure("\(path): \(AddressRedaction.redacted(chosen.rawValue)) was not heard by any sensor of \(layout.id) in that window; check --device and --source's start")
        }
        var table = CalibrateLiveTable(sensors: layout.sensors.map(\.id), live: isatty(STDOUT_FILENO) != 0)
        for o in window where o.device == chosen && known.contains(o.sensor) { table.add(o) }
        table.finish()
        if unknown > 0 { print("skipped \(unknown) readings from sensors not in the store") }
        if !wifi.isEmpty { print("left out \(wifi.count) Wi-Fi readings in the window: a survey is of a BLE tag or phone") }
        var all = existing
        all += samples
        try writeText(SurveyCodec.surveyText(all), to: surveyPath)
        let heard = Set(samples.map(\.sensor)).count
        print("appended \(samples.count) readings from \(heard) of \(layout.sensors.count) sensors at (\(point.x), \(point.y))\(zoneLabel.map { " in \($0)" } ?? "") to \(surveyPath)\(written == chosen ? "" : " as device \(written)")")
    }
}
