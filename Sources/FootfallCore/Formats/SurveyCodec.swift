/// Reads and writes survey files (`time,sensor,device,rssi,x,y` with optional `zone`) and
/// ground-truth files (`time,device,x,y` with optional `zone` and `person`).
public enum SurveyCodec {
    public static func readSurvey(path: String) throws -> [SurveySample] {
        try readSurvey(ByteLineReader(path: path))
    }

    public static func readSurvey(text: String, name: String = "<survey>") throws -> [SurveySample] {
        try readSurvey(ByteLineReader(bytes: Array(text.utf8), name: name))
    }

    static func readSurvey(_ lines: ByteLineReader) throws -> [SurveySample] {
        var samples: [SurveySample] = []
        try forEachRow(lines, required: ["time", "sensor", "device", "rssi"], optional: ["x", "y", "zone"],
                       example: "time,sensor,device,rssi,x,y[,zone]") { row, columns, fail in
            let time = try number(row, columns["time"]!, "time", fail)
            if let problem = Observation.timeProblem(time) { throw fail("time", columns["time"], problem) }
            let rssi = try number(row, columns["rssi"]!, "rssi", fail)
            if let problem = Observation.rssiProblem(rssi) { throw fail("rssi", columns["rssi"], problem) }
            let sensor = try text(row, columns["sensor"]!, "sensor", fail)
            let device = try text(row, columns["device"]!, "device", fail)
            let zone = columns["zone"].flatMap { row.isEmpty($0) ? nil : row.string($0) }
            let point = try optionalPoint(row, columns, fail)
            guard point != nil || zone != nil else {
                throw fail("x", columns["x"], "a survey point needs coordinates x,y or a zone label")
            }
            samples.append(SurveySample(time: time, sensor: SensorID(sensor), device: DeviceID(device), rssi: rssi, point: point, zone: zone))
        }
        return samples
    }

    public static func readTruth(path: String) throws -> [TruthSample] {
        try readTruth(ByteLineReader(path: path))
    }

    public static func readTruth(text: String, name: String = "<truth>") throws -> [TruthSample] {
        try readTruth(ByteLineReader(bytes: Array(text.utf8), name: name))
    }

    static func readTruth(_ lines: ByteLineReader) throws -> [TruthSample] {
        var samples: [TruthSample] = []
        try forEachRow(lines, required: ["time", "device", "x", "y"], optional: ["zone", "person"], example: "time,device,x,y[,zone][,person]") { row, columns, fail in
            let time = try number(row, columns["time"]!, "time", fail)
            let device = try text(row, columns["device"]!, "device", fail)
            let x = try number(row, columns["x"]!, "x", fail)
            let y = try number(row, columns["y"]!, "y", fail)
            let zone = columns["zone"].flatMap { row.isEmpty($0) ? nil : row.string($0) }
            let person = columns["person"].flatMap { row.isEmpty($0) ? nil : row.string($0) }
            samples.append(TruthSample(time: time, device: DeviceID(device), position: Point(x: x, y: y), zone: zone, person: person))
        }
        return samples
    }

    public static func surveyText(_ samples: [SurveySample]) -> String {
        let withZone = samples.contains { $0.zone != nil }
        var text = withZone ? "time,sensor,device,rssi,x,y,zone\n" : "time,sensor,device,rssi,x,y\n"
        for s in samples {
            text += "\(DelimitedField.number(s.time)),\(DelimitedField.escape(s.sensor.rawValue)),\(DelimitedField.escape(s.device.rawValue)),\(DelimitedField.number(s.rssi)),"
            text += s.point.map { "\(DelimitedField.number($0.x)),\(DelimitedField.number($0.y))" } ?? ","
            if withZone { text += "," + DelimitedField.escape(s.zone ?? "") }
            text += "\n"
        }
        return text
    }

    public static func truthText(_ samples: [TruthSample]) -> String {
        let withPerson = samples.contains { $0.person != nil }
        let withZone = withPerson || samples.contains { $0.zone != nil }
        var text = withPerson ? simulatedTruthHeader : withZone ? "time,device,x,y,zone\n" : "time,device,x,y\n"
        for s in samples { text += truthLine(s, withZone: withZone, withPerson: withPerson) }
        return text
    }

    /// The header of a simulated store's truth, whose lines `truthLine(_:withPerson: true)`
    /// writes: the person carrying each device (a rotating address is one person's).
    public static let simulatedTruthHeader = "time,device,x,y,zone,person\n"

    /// One truth line; positions are written to the millimetre.
    public static func truthLine(_ s: TruthSample, withZone: Bool = true, withPerson: Bool = false) -> String {
        func metres(_ v: Double) -> String { DelimitedField.number((v * 1000).rounded() / 1000) }
        var text = "\(DelimitedField.number(s.time)),\(DelimitedField.escape(s.device.rawValue)),\(metres(s.position.x)),\(metres(s.position.y))"
        if withZone { text += "," + DelimitedField.escape(s.zone ?? "") }
        if withPerson { text += "," + DelimitedField.escape(s.person ?? "") }
        return text + "\n"
    }

    typealias Fail = (_ field: String, _ column: Int?, _ message: String) -> FormatError

    private static func forEachRow(
        _ lines: ByteLineReader, required: [String], optional: [String], example: String,
        _ body: (DelimitedRow, ColumnLayout, Fail) throws -> Void
    ) throws {
        var row = DelimitedRow()
        guard let header = lines.nextLine() else {
            throw FormatError(file: lines.name, line: 1, message: "is empty; it starts with the header `\(example)`")
        }
        _ = row.split(header)
        let columns = try ColumnLayout(header: row, file: lines.name, line: 1, required: required, optional: optional, example: example)
        while let line = lines.nextLine() {
            if line.isEmpty { continue }
            let closed = row.split(line)
            let split = row
            let fail: Fail = { field, column, message in
                FormatError(file: lines.name, line: lines.lineNumber, column: column.map { split.column($0) }, field: field, message: message)
            }
            guard closed else { throw fail("", nil, ColumnLayout.unclosedQuote) }
            guard row.count == columns.names.count else {
                throw fail("", nil, columns.wrongFieldCount(row.count))
            }
            try body(row, columns, fail)
        }
    }

    private static func number(_ row: DelimitedRow, _ column: Int, _ field: String, _ fail: Fail) throws -> Double {
        guard let value = row.double(column) else { throw fail(field, column, "'\(row.string(column))' is not a number; give \(Self.unit(of: field))") }
        return value
    }

    /// What a number column holds, for an error about it.
    private static func unit(of field: String) -> String {
        switch field {
        case "time": "seconds since 1970 (UTC), like 1767603600.25"
        case "rssi": "dBm, like -67"
        case "x", "y": "metres in the store's frame, like 12.5"
        default: "a number"
        }
    }

    private static func text(_ row: DelimitedRow, _ column: Int, _ field: String, _ fail: Fail) throws -> String {
        guard !row.isEmpty(column) else { throw fail(field, column, "is empty") }
        return row.string(column)
    }

    private static func optionalPoint(_ row: DelimitedRow, _ columns: ColumnLayout, _ fail: Fail) throws -> Point? {
        guard let xc = columns["x"], let yc = columns["y"] else { return nil }
        if row.isEmpty(xc) && row.isEmpty(yc) { return nil }
        return Point(x: try number(row, xc, "x", fail), y: try number(row, yc, "y", fail))
    }
}
