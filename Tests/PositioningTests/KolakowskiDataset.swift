import FootfallCore
import Foundation

/// Converts the Kolakowski BLE flat dataset (Sensors 21(18):6270, 2021; data doi
/// 10.5281/zenodo.5457591, CC BY 4.0) into Footfall's types. Pure: text in, values out, so that
/// the command line's `convert kolakowski` can reuse it.
///
/// - `anchors.csv`: `id,x,y,z` → sensors named by id.
/// - `layout.csv`: `x,y` vertices → the outline (a single zone covering it).
/// - `calibration_df.csv` / `test_robot_df.csv`: `,ts,x,heading,y,rssi_1..rssi_6` with `ts` in
///   nanoseconds and an empty cell where an anchor did not hear the tag → rows.
enum KolakowskiDataset {
    /// The tag rides on the robot 1.3 m above the floor.
    static let tagHeight = 1.3
    static let device: DeviceID = "kolakowski-tag"

    struct Row: Sendable {
        var time: Double
        var position: Point?
        /// RSSI per anchor id ("1"…"6"); absent when not heard.
        var rssi: [(SensorID, Double)]
    }

    enum ParseError: Error, CustomStringConvertible {
        case missingColumn(String)
        case badNumber(line: Int, column: String, text: String)
        var description: String {
            switch self {
            case .missingColumn(let name): "missing column '\(name)'"
            case .badNumber(let line, let column, let text): "line \(line), column \(column): '\(text)' is not a number"
            }
        }
    }

    static func sensors(anchorsCSV text: String) throws -> [Sensor] {
        try table(text).map { row in
            let id = row["id"] ?? ""
            return Sensor(
                id: SensorID(id),
                position: Point3(x: try number(row, "x"), y: try number(row, "y"), z: try number(row, "z")))
        }
    }

    static func outline(layoutCSV text: String) throws -> Polygon {
        Polygon(try table(text).map { Point(x: try number($0, "x"), y: try number($0, "y")) })
    }

    static func layout(anchorsCSV: String, layoutCSV: String) throws -> StoreLayout {
        let outline = try outline(layoutCSV: layoutCSV)
        return StoreLayout(
            id: "ble-flat-kolakowski", outline: outline, zones: [Zone(id: "flat", polygon: outline)],
            sensors: try sensors(anchorsCSV: anchorsCSV), deviceHeight: tagHeight)
    }

    static func rows(_ text: String) throws -> [Row] {
        try table(text).map { row in
            var rssi: [(SensorID, Double)] = []
            for (key, value) in row.sorted(by: { $0.key < $1.key }) where key.hasPrefix("rssi_") && !value.isEmpty {
                guard let v = Double(value) else { throw ParseError.badNumber(line: 0, column: key, text: value) }
                rssi.append((SensorID(String(key.dropFirst("rssi_".count))), v))
            }
            var position: Point?
            if row["x"] != nil, row["y"] != nil { position = Point(x: try number(row, "x"), y: try number(row, "y")) }
            return Row(time: try number(row, "ts") / 1e9, position: position, rssi: rssi)
        }
    }

    /// `path_reference.csv`: `x0,y0,x1,y1` segments of the walked path.
    static func pathSegments(_ text: String) throws -> [(Point, Point)] {
        try table(text).map {
            (Point(x: try number($0, "x0"), y: try number($0, "y0")), Point(x: try number($0, "x1"), y: try number($0, "y1")))
        }
    }

    /// Each row's readings as observations at the row's time.
    static func observations(_ row: Row) -> [Observation] {
        row.rssi.map { Observation(time: row.time, sensor: $0.0, device: device, rssi: $0.1) }
    }

    /// Calibration rows as survey samples (one per anchor heard).
    static func survey(_ rows: [Row]) -> [SurveySample] {
        rows.flatMap { row in
            row.rssi.map { SurveySample(time: row.time, sensor: $0.0, device: device, rssi: $0.1, point: row.position) }
        }
    }

    /// Comma-separated text with a header line → one dictionary per line.
    private static func table(_ text: String) throws -> [[String: String]] {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            var row: [String: String] = [:]
            for (name, cell) in zip(header, cells) where !name.isEmpty {
                row[name] = cell.trimmingCharacters(in: .whitespaces)
            }
            return row
        }
    }

    private static func number(_ row: [String: String], _ column: String) throws -> Double {
        guard let text = row[column] else { throw ParseError.missingColumn(column) }
        guard let value = Double(text) else { throw ParseError.badNumber(line: 0, column: column, text: text) }
        return value
    }
}
