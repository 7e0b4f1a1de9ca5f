import Foundation

/// Writes observations in the trace format, buffered; the text reads back to the same values.
public final class TraceWriter {
    public enum Columns: Sendable {
        /// `time,sensor,device,rssi`
        case basic
        /// `time,sensor,device,rssi,tx_power,radio,channel`
        case full
    }

    private let output: TextSink
    private let columns: Columns

    public init(path: String, columns: Columns = .basic) throws {
        output = try TextSink(path: path)
        self.columns = columns
        output.write(columns == .basic ? "time,sensor,device,rssi\n" : "time,sensor,device,rssi,tx_power,radio,channel\n")
    }

    public init(sink: TextSink, columns: Columns = .basic) {
        output = sink
        self.columns = columns
        output.write(columns == .basic ? "time,sensor,device,rssi\n" : "time,sensor,device,rssi,tx_power,radio,channel\n")
    }

    public func write(_ o: Observation) {
        var line = DelimitedField.number(o.time)
        line += ","
        line += DelimitedField.escape(o.sensor.rawValue)
        line += ","
        line += DelimitedField.escape(o.device.rawValue)
        line += ","
        line += DelimitedField.number(o.rssi)
        if columns == .full {
            line += ","
            if let tx = o.txPower { line += String(tx) }
            line += ","
            line += o.radio.rawValue
            line += ","
            if let channel = o.channel { line += String(channel) }
        }
        line += "\n"
        output.write(line)
    }

    public func close() throws { try output.close() }

    /// The whole trace as text, for tests and small files.
    public static func text(_ observations: [Observation], columns: Columns = .basic) -> String {
        let sink = TextSink()
        let writer = TraceWriter(sink: sink, columns: columns)
        observations.forEach(writer.write)
        return sink.text
    }
}
