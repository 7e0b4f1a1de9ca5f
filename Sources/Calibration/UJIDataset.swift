import FootfallCore
import Foundation

/// Converts the UJI BLE RSS dataset (G. M. Mendoza-Silva, M. Matey-Sanz, J. Torres-Sospedra,
/// J. Huerta, "BLE RSS Measurements Dataset for Research on Accurate Indoor Positioning", Data
/// 4(1):12, 2019; data doi 10.5281/zenodo.1618692, CC BY 4.0) into Footfall's types. Pure: text
/// in, values out; `footfall convert uji` does the files.
///
/// In the dataset a phone receives fixed iBKS 105 beacons (advertising every 200 ms). By radio
/// reciprocity the maths is that of fixed sensors hearing a phone, so each beacon becomes a
/// sensor at its position and each phone (with the beacons' power setting) a device.
/// - `dep/<area>.csv`: `id,x,y` of each beacon; row k is column k of the RSS file.
/// - `rss/<area>_rss.csv`: one fingerprint (a scan of about a second) a row, dBm per beacon, 100
///   where a beacon was not heard; `_tms.csv` the detection time of each (ns since the phone
///   booted, 0 not heard); `_crd.csv` the phone's `x,y`; `_ids.csv` the packed id
///   phone·10⁷ + power·10⁶ + campaign·10⁵ + point·100 + sample.
public enum UJIDataset {
    /// The two areas of the dataset.
    public enum Area: String, Sendable, CaseIterable {
        /// Among the bookshelves of a library: 24 beacons, 3 phones, campaigns 2 and 3 at
        /// different points.
        case library = "lib"
        /// An office: 22 beacons, 1 phone, 3 transmit powers, one campaign.
        case office = "geo"

        public var storeID: String { self == .library ? "uji-library" : "uji-office" }
        public var name: String { self == .library ? "UJI library (among bookshelves)" : "UJI office (Geotec lab)" }
    }

    /// The dataset gives the beacons' positions on the floor plan only; they were fixed to
    /// shelves and walls about 2 m up (the dataset's README: "about 2 m is a fair guess").
    public static let beaconHeight = 2.0
    /// The surveyor held the phone in front of them, about 1.2 m up.
    public static let phoneHeight = 1.2
    /// The outline is the bounding box of the beacons and the reference points, this much wider.
    public static let outlineMargin = 1.0

    /// One scan: where the phone was and what it heard, each beacon at its own time.
    public struct Fingerprint: Sendable {
        public var phone: Int
        public var power: Int
        public var campaign: Int
        public var point: Int
        public var sample: Int
        public var position: Point
        /// Beacon index (column), RSSI and time (s) of each beacon heard.
        public var readings: [(beacon: Int, rssi: Double, time: Double)]
        /// The time of the scan's last detection: when the fingerprint was complete.
        public var time: Double? { readings.map(\.time).max() }
    }

    public typealias ParseError = DatasetFileError

    /// The beacons, as sensors in column order, named by their id (`b<id>` where it is a bare number).
    public static func beacons(depCSV text: String, file: String) throws -> [Sensor] {
        var lines = try rows(text, file: file)
        guard let header = lines.first, header.cells == ["id", "x", "y"] else {
            throw ParseError(file: file, line: 1, message: "expected the header 'id,x,y'")
        }
        lines.removeFirst()
        return try lines.map { line in
            guard line.cells.count == 3 else {
                throw ParseError(file: file, line: line.number, message: "has \(line.cells.count) fields; expected id,x,y")
            }
            let x = try number(line.cells[1], "x", file, line.number), y = try number(line.cells[2], "y", file, line.number)
            let id = line.cells[0]
            guard !id.isEmpty else { throw ParseError(file: file, line: line.number, message: "id is empty") }
            return Sensor(id: SensorID(Int(id) != nil ? "b" + id : id), position: Point3(x: x, y: y, z: beaconHeight))
        }
    }

    /// The fingerprints of one area, in the files' order, from the four RSS files' texts.
    public static func fingerprints(
        rss: String, times: String, coordinates: String, ids: String, beaconCount: Int, area: Area
    ) throws -> [Fingerprint] {
        let prefix = "rss/\(area.rawValue)_"
        let rssRows = try rows(rss, file: prefix + "rss.csv")
        let timeRows = try rows(times, file: prefix + "tms.csv")
        let coordinateRows = try rows(coordinates, file: prefix + "crd.csv")
        let idRows = try rows(ids, file: prefix + "ids.csv")
        for (name, count) in [("tms", timeRows.count), ("crd", coordinateRows.count), ("ids", idRows.count)] where count != rssRows.count {
            throw ParseError(
                file: prefix + "\(name).csv", line: min(count, rssRows.count) + 1,
                message: "has \(count) rows but \(prefix)rss.csv has \(rssRows.count); the four files are one row per fingerprint")
        }
        var result: [Fingerprint] = []
        result.reserveCapacity(rssRows.count)
        for i in rssRows.indices {
            let line = rssRows[i].number
            guard rssRows[i].cells.count == beaconCount else {
                throw ParseError(file: prefix + "rss.csv", line: line, message: "has \(rssRows[i].cells.count) beacons; dep/\(area.rawValue).csv lists \(beaconCount)")
            }
            guard timeRows[i].cells.count == beaconCount else {
                throw ParseError(file: prefix + "tms.csv", line: line, message: "has \(timeRows[i].cells.count) beacons; dep/\(area.rawValue).csv lists \(beaconCount)")
            }
            guard coordinateRows[i].cells.count == 2 else {
                throw ParseError(file: prefix + "crd.csv", line: line, message: "has \(coordinateRows[i].cells.count) fields; expected x,y")
            }
            guard idRows[i].cells.count == 1, let id = Int(idRows[i].cells[0]), id > 0 else {
                throw ParseError(file: prefix + "ids.csv", line: line, message: "'\(idRows[i].cells.joined(separator: ","))' is not a packed fingerprint id")
            }
            var readings: [(beacon: Int, rssi: Double, time: Double)] = []
            for b in 0..<beaconCount {
                let rssi = try number(rssRows[i].cells[b], "beacon \(b + 1)", prefix + "rss.csv", line)
                guard rssi != 100 else { continue }
                if let problem = Observation.rssiProblem(rssi) {
                    throw ParseError(file: prefix + "rss.csv", line: line, message: "beacon \(b + 1): \(problem)")
                }
                let nanoseconds = try number(timeRows[i].cells[b], "beacon \(b + 1)", prefix + "tms.csv", line)
                guard nanoseconds > 0 else {
                    throw ParseError(file: prefix + "tms.csv", line: line, message: "beacon \(b + 1) was heard at \(DelimitedField.number(rssi)) dBm but has no detection time")
                }
                readings.append((b, rssi, nanoseconds / 1e9))
            }
            result.append(
                Fingerprint(
                    phone: id / 10_000_000, power: (id / 1_000_000) % 10, campaign: (id / 100_000) % 10, point: (id / 100) % 1000,
                    sample: id % 100,
                    position: Point(
                        x: try number(coordinateRows[i].cells[0], "x", prefix + "crd.csv", line),
                        y: try number(coordinateRows[i].cells[1], "y", prefix + "crd.csv", line)),
                    readings: readings))
        }
        return result
    }

    /// The area as a store: the bounding box of beacons and reference points (with a margin)
    /// as its outline, no zones (the dataset names none), the beacons as sensors.
    public static func layout(area: Area, beacons: [Sensor], fingerprints: [Fingerprint]) -> StoreLayout {
        let points = beacons.map(\.position.floor) + fingerprints.map(\.position)
        var low = points.first ?? .zero, high = low
        for p in points {
            low = Point(x: min(low.x, p.x), y: min(low.y, p.y))
            high = Point(x: max(high.x, p.x), y: max(high.y, p.y))
        }
        func round(_ v: Double) -> Double { (v * 10).rounded() / 10 }
        low = Point(x: round(low.x - outlineMargin), y: round(low.y - outlineMargin))
        high = Point(x: round(high.x + outlineMargin), y: round(high.y + outlineMargin))
        return StoreLayout(
            id: area.storeID, name: area.name, outline: Polygon(rectangleFrom: low, to: high), zones: [], sensors: beacons,
            deviceHeight: phoneHeight)
    }

    /// Which fingerprints are the survey and which the test, on points the survey does not
    /// have:
    /// - library: campaign 2 (24 points, all three phones) is the survey; campaign 3 (34 other
    ///   points) the test, as the dataset's authors split it;
    /// - office: one campaign, so the reference points are split like a chessboard on their
    ///   grid (every other point, alternating by row): the survey is the beacons' middle power
    ///   (−12 dBm) on one colour, the test every power on the other (the other powers act as
    ///   phones 8 dB louder and quieter than the survey's).
    public static func split(_ fingerprints: [Fingerprint], area: Area) -> (survey: [Fingerprint], test: [Fingerprint]) {
        switch area {
        case .library:
            return (fingerprints.filter { $0.campaign == 2 }, fingerprints.filter { $0.campaign != 2 })
        case .office:
            let xs = Array(Set(fingerprints.map { ($0.position.x * 1000).rounded() })).sorted()
            let ys = Array(Set(fingerprints.map { ($0.position.y * 1000).rounded() })).sorted()
            func isSurvey(_ f: Fingerprint) -> Bool {
                let column = xs.firstIndex(of: (f.position.x * 1000).rounded()) ?? 0
                let row = ys.firstIndex(of: (f.position.y * 1000).rounded()) ?? 0
                return (column + row) % 2 == 0
            }
            return (fingerprints.filter { isSurvey($0) && $0.power == 2 }, fingerprints.filter { !isSurvey($0) })
        }
    }

    /// The device a fingerprint's phone is: one per phone and beacon power, so each walk of the
    /// test is one device's trace.
    public static func device(_ f: Fingerprint, area: Area) -> DeviceID {
        DeviceID("uji-\(area.rawValue)-phone\(f.phone)-power\(f.power)-campaign\(f.campaign)")
    }

    /// Each reading of the fingerprints as an observation at its own detection time, in time order.
    public static func observations(_ fingerprints: [Fingerprint], beacons: [Sensor], area: Area) -> [Observation] {
        fingerprints.flatMap { f in
            f.readings.map { Observation(time: $0.time, sensor: beacons[$0.beacon].id, device: device(f, area: area), rssi: $0.rssi) }
        }.sorted { ($0.time, $0.device, $0.sensor) < ($1.time, $1.device, $1.sensor) }
    }

    /// One truth sample per fingerprint heard at all, at its last detection: the phone stood at
    /// its reference point through the scan.
    public static func truth(_ fingerprints: [Fingerprint], area: Area) -> [TruthSample] {
        fingerprints.compactMap { f in
            f.time.map { TruthSample(time: $0, device: device(f, area: area), position: f.position) }
        }.sorted { ($0.time, $0.device) < ($1.time, $1.device) }
    }

    /// The survey's readings, each at its reference point.
    public static func survey(_ fingerprints: [Fingerprint], beacons: [Sensor], area: Area) -> [SurveySample] {
        fingerprints.flatMap { f in
            f.readings.map {
                SurveySample(time: $0.time, sensor: beacons[$0.beacon].id, device: device(f, area: area), rssi: $0.rssi, point: f.position)
            }
        }.sorted { ($0.time, $0.device, $0.sensor) < ($1.time, $1.device, $1.sensor) }
    }

    private struct Line {
        var number: Int
        var cells: [String]
    }

    /// Comma-separated lines (no header handling), numbered from 1, blank lines skipped.
    private static func rows(_ text: String, file: String) throws -> [Line] {
        var result: [Line] = []
        for (index, raw) in text.textLines.enumerated() {
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if index == 0, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            result.append(Line(number: index + 1, cells: line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }))
        }
        guard !result.isEmpty else { throw ParseError(file: file, line: 1, message: "is empty") }
        return result
    }

    private static func number(_ text: String, _ field: String, _ file: String, _ line: Int) throws -> Double {
        guard let value = Double(text), value.isFinite else {
            throw ParseError(file: file, line: line, message: "\(field): '\(text)' is not a number")
        }
        return value
    }
}
