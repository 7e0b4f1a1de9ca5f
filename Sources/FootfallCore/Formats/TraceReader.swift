/// Reads a trace (`time,sensor,device,rssi` with optional `tx_power,radio,channel`; format in
/// calibration/README.md) one observation at a time, parsing bytes, never a `String` per line.
public final class TraceReader: Sequence, IteratorProtocol {
    public static let requiredColumns = ["time", "sensor", "device", "rssi"]
    public static let optionalColumns = ["tx_power", "radio", "channel"]

    private let lines: ByteLineReader
    private var row = DelimitedRow()
    private var columns = ColumnLayout()
    private var sensors = InternTable<SensorID>(capacity: 64)
    private var devices = InternTable<DeviceID>(capacity: 4096)
    private var timeColumn = 0, sensorColumn = 0, deviceColumn = 0, rssiColumn = 0
    private var txColumn: Int?, radioColumn: Int?, channelColumn: Int?
    /// The columns the file has, in its order.
    public var columnNames: [String] { columns.names }
    /// Set when iteration stopped on bad input; `next()` then returns nil.
    public private(set) var error: FormatError?
    /// The file's name, as errors give it.
    public var name: String { lines.name }
    /// The line of the observation `read()` returned last (the header is line 1).
    public var lineNumber: Int { lines.lineNumber }

    public convenience init(path: String) throws {
        try self.init(lines: ByteLineReader(path: path))
    }

    public convenience init(text: String, name: String = "<trace>") throws {
        try self.init(lines: ByteLineReader(bytes: Array(text.utf8), name: name))
    }

    public init(lines: ByteLineReader) throws {
        self.lines = lines
        guard let header = lines.nextLine() else {
            throw FormatError(file: lines.name, line: 1, message: "is empty; a trace starts with the header `time,sensor,device,rssi`")
        }
        _ = row.split(header)
        columns = try ColumnLayout(
            header: row, file: lines.name, line: 1, required: Self.requiredColumns, optional: Self.optionalColumns,
            example: "time,sensor,device,rssi")
        timeColumn = columns["time"]!
        sensorColumn = columns["sensor"]!
        deviceColumn = columns["device"]!
        rssiColumn = columns["rssi"]!
        txColumn = columns["tx_power"]
        radioColumn = columns["radio"]
        channelColumn = columns["channel"]
    }

    /// The next observation; throws on a malformed line with its line, column and field.
    public func read() throws -> Observation? {
        while let line = lines.nextLine() {
            if line.isEmpty { continue }
            guard row.split(line) else { throw fail("", nil, ColumnLayout.unclosedQuote) }
            guard row.count == columns.names.count else {
                throw fail("", nil, columns.wrongFieldCount(row.count))
            }
            guard let time = row.double(timeColumn) else { throw bad(timeColumn, "time", "is not a number of seconds; give seconds since 1970 (UTC), like 1767603600.25") }
            if let problem = Observation.timeProblem(time) { throw fail("time", timeColumn, problem) }
            guard let rssi = row.double(rssiColumn) else { throw bad(rssiColumn, "rssi", "is not a number; RSSI is dBm, like -67") }
            if let problem = Observation.rssiProblem(rssi) { throw fail("rssi", rssiColumn, problem) }
            guard !row.isEmpty(sensorColumn) else { throw bad(sensorColumn, "sensor", "is empty; name the sensor that heard the device") }
            guard !row.isEmpty(deviceColumn) else { throw bad(deviceColumn, "device", "is empty; give the device's id") }
            let current = row
            let sensorID = sensors.value(for: row.bytes(sensorColumn)) { SensorID(current.string(sensorColumn)) }
            let deviceID = devices.value(for: row.bytes(deviceColumn)) { DeviceID(current.string(deviceColumn)) }
            var observation = Observation(time: time, sensor: sensorID, device: deviceID, rssi: rssi)
            if let c = txColumn, !row.isEmpty(c) {
                guard let tx = NumberParser.parseInt(row.bytes(c)) else { throw bad(c, "tx_power", "is not a whole number of dBm") }
                if let problem = Observation.txPowerProblem(tx) { throw fail("tx_power", c, problem) }
                observation.txPower = tx
            }
            if let c = radioColumn, !row.isEmpty(c) {
                guard let radio = Radio(rawValue: row.string(c)) else { throw bad(c, "radio", "must be ble or wifi") }
                observation.radio = radio
            }
            if let c = channelColumn, !row.isEmpty(c) {
                guard let channel = NumberParser.parseInt(row.bytes(c)) else { throw bad(c, "channel", "is not a whole number") }
                observation.channel = channel
            }
            return observation
        }
        return nil
    }

    /// Iteration stops at the end or at the first bad line, which is kept in `error`.
    public func next() -> Observation? {
        guard error == nil else { return nil }
        do {
            return try read()
        } catch let failure as FormatError {
            error = failure
            return nil
        } catch {
            return nil
        }
    }

    /// Reads the whole file; throws at the first bad line.
    public func readAll() throws -> [Observation] {
        var all: [Observation] = []
        while let o = try read() { all.append(o) }
        return all
    }

    private func bad(_ column: Int, _ field: String, _ message: String) -> FormatError {
        let value = row.string(column)
        return fail(field, column, "'\(value)' \(message)")
    }

    private func fail(_ field: String, _ column: Int?, _ message: String) -> FormatError {
        FormatError(file: lines.name, line: lines.lineNumber, column: column.map { row.column($0) }, field: field, message: message)
    }
}

