import FootfallCore
import Foundation

/// Converts the Kolakowski BLE flat dataset (M. Kolakowski, "Automated Calibration of RSS
/// Fingerprinting Based Systems Using a Mobile Robot and Machine Learning", Sensors
/// 21(18):6270, 2021, doi 10.3390/s21186270; data doi 10.5281/zenodo.5457591, CC BY 4.0) into
/// Footfall's types. Pure: text in, values out; `footfall convert kolakowski` does the files.
///
/// - `anchors.csv`: `id,x,y,z` → sensors named by id.
/// - `layout.csv`: `x,y` vertices → the outline.
/// - `calibration_df.csv` / `test_robot_df.csv`: `,ts,x,heading,y,rssi_1..rssi_6` with `ts` in
///   nanoseconds and an empty cell where an anchor did not hear the tag → rows.
public enum KolakowskiDataset {
    /// The tag rides on the robot 1.3 m above the floor.
    public static let tagHeight = 1.3
    public static let device: DeviceID = "kolakowski-tag"

    /// The flat's rooms, read off `layout.csv` (the dataset names none): rectangles inside the
    /// walls, so that a zone confusion matrix has something to confuse.
    public static let rooms: [Zone] = [
        Zone(id: "west-room", polygon: Polygon(rectangleFrom: Point(x: 0, y: 2.18), to: Point(x: 2.58, y: 7.1))),
        Zone(id: "east-room", polygon: Polygon(rectangleFrom: Point(x: 2.7, y: 4.19), to: Point(x: 9.07, y: 7.1))),
        Zone(id: "hall", polygon: Polygon(rectangleFrom: Point(x: 2.7, y: 2.12), to: Point(x: 6.27, y: 4.19))),
        Zone(id: "south-strip", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 6.22, y: 1.74))),
    ]

    public struct Row: Sendable {
        public var time: Double
        public var position: Point?
        /// RSSI per anchor id ("1"…"6"); absent when not heard.
        public var rssi: [(SensorID, Double)]
    }

    public typealias ParseError = DatasetFileError

    public static func sensors(anchorsCSV text: String, file: String = "anchors.csv") throws -> [Sensor] {
        try table(text, file: file).map { line, row in
            guard let id = row["id"], !id.isEmpty else { throw ParseError(file: file, line: line, message: "id is empty") }
            return Sensor(
                id: SensorID(id),
                position: Point3(
                    x: try number(row, "x", file, line), y: try number(row, "y", file, line), z: try number(row, "z", file, line)))
        }
    }

    public static func outline(layoutCSV text: String, file: String = "layout.csv") throws -> Polygon {
        Polygon(try table(text, file: file).map { line, row in
            Point(x: try number(row, "x", file, line), y: try number(row, "y", file, line))
        })
    }

    /// The flat as a store: the walls as its outline, its rooms as zones, the anchors as sensors.
    public static func layout(anchorsCSV: String, layoutCSV: String) throws -> StoreLayout {
        let outline = try outline(layoutCSV: layoutCSV)
        return StoreLayout(
            id: "kolakowski-flat", name: "Kolakowski BLE flat", outline: outline, zones: rooms,
            sensors: try sensors(anchorsCSV: anchorsCSV), deviceHeight: tagHeight)
    }

    public static func rows(_ text: String, file: String = "<rows>") throws -> [Row] {
        try table(text, file: file).map { line, row in
            var rssi: [(SensorID, Double)] = []
            for (key, value) in row.sorted(by: { $0.key < $1.key }) where key.hasPrefix("rssi_") && !value.isEmpty {
                guard let v = Double(value) else {
                    throw ParseError(file: file, line: line, message: "\(key): '\(value)' is not a number of dBm")
                }
                // nan, inf or −500 would be written to the trace and refused only when replayed.
                if let problem = Observation.rssiProblem(v) { throw ParseError(file: file, line: line, message: "\(key): \(problem)") }
                rssi.append((SensorID(String(key.dropFirst("rssi_".count))), v))
            }
            var position: Point?
            if row["x"] != nil, row["y"] != nil {
                position = Point(x: try number(row, "x", file, line), y: try number(row, "y", file, line))
            }
            return Row(time: try number(row, "ts", file, line) / 1e9, position: position, rssi: rssi)
        }
    }

    /// Each row's readings as observations at the row's time.
    public static func observations(_ row: Row) -> [Observation] {
        row.rssi.map { Observation(time: row.time, sensor: $0.0, device: device, rssi: $0.1) }
    }

    /// Rows with a position as survey samples (one per anchor heard), zone from the rooms.
    public static func survey(_ rows: [Row], layout: StoreLayout? = nil) -> [SurveySample] {
        rows.flatMap { row in
            let zone = row.position.flatMap { layout?.zone(containing: $0)?.id }
            return row.rssi.map {
                SurveySample(time: row.time, sensor: $0.0, device: device, rssi: $0.1, point: row.position, zone: zone)
            }
        }
    }

    /// Robot rows with a position as ground truth.
    public static func truth(_ rows: [Row], layout: StoreLayout? = nil) -> [TruthSample] {
        rows.compactMap { row in
            row.position.map {
                TruthSample(time: row.time, device: device, position: $0, zone: layout?.zone(containing: $0)?.id)
            }
        }
    }

    /// Comma-separated text with a header line → (line number, cells by column name).
    private static func table(_ text: String, file: String) throws -> [(Int, [String: String])] {
        let lines = text.textLines.map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let first = lines.first, !first.isEmpty else { throw ParseError(file: file, line: 1, message: "is empty; expected a header line") }
        let header = first.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [(Int, [String: String])] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == header.count else {
                throw ParseError(file: file, line: index + 1, message: "has \(cells.count) fields but the header has \(header.count)")
            }
            var row: [String: String] = [:]
            for (name, cell) in zip(header, cells) where !name.isEmpty {
                row[name] = cell.trimmingCharacters(in: .whitespaces)
            }
            rows.append((index + 1, row))
        }
        return rows
    }

    private static func number(_ row: [String: String], _ column: String, _ file: String, _ line: Int) throws -> Double {
        guard let text = row[column] else { throw ParseError(file: file, line: line, message: "missing column '\(column)'") }
        guard let value = Double(text), value.isFinite else {
            throw ParseError(file: file, line: line, message: "\(column): '\(text)' is not a number")
        }
        return value
    }
}

