import FootfallCore
import FootfallTesting
import Foundation
import Testing

@Suite struct TraceCodecTests {
    let observations = [
        Observation(time: 1_767_603_600.125, sensor: "s1", device: "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:7", rssi: -67, txPower: -59, radio: .ble, channel: 37),
        Observation(time: 1_767_603_600.25, sensor: "s2", device: "wifi:3c:e1:a1:ad:ea:18", rssi: -71.5, radio: .wifi, channel: 6),
        Observation(time: 12.000001, sensor: "gate,north", device: "opaque \"tag\"", rssi: -90),
    ]

    @Test func aFullTraceRoundTripsExactly() throws {
        let text = TraceWriter.text(observations, columns: .full)
        let read = try TraceReader(text: text).readAll()
        #expect(read == observations)
        #expect(TraceWriter.text(read, columns: .full) == text)
    }

    @Test func aBasicTraceRoundTripsExactlyAndDefaultsTheRadio() throws {
        let basic = observations.map { Observation(time: $0.time, sensor: $0.sensor, device: $0.device, rssi: $0.rssi) }
        let text = TraceWriter.text(basic)
        #expect(text.hasPrefix("time,sensor,device,rssi\n"))
        #expect(try TraceReader(text: text).readAll() == basic)
    }

    @Test func columnsMayComeInAnyOrderWithWindowsLineEndings() throws {
        let text = "rssi,device,time,sensor\r\n-60,d1,1.5,s1\r\n-61,d2,2,s2"
        let read = try TraceReader(text: text).readAll()
        #expect(read == [Observation(time: 1.5, sensor: "s1", device: "d1", rssi: -60), Observation(time: 2, sensor: "s2", device: "d2", rssi: -61)])
    }

    @Test func aByteOrderMarkBeforeTheHeaderIsSkipped() throws {
        // Excel's "CSV UTF-8" starts the file with EF BB BF.
        let read = try TraceReader(lines: ByteLineReader(bytes: [0xEF, 0xBB, 0xBF] + Array("time,sensor,device,rssi\r\n1,s1,d1,-60\r\n".utf8), name: "t.csv")).readAll()
        #expect(read == [Observation(time: 1, sensor: "s1", device: "d1", rssi: -60)])
        let survey = try SurveyCodec.readSurvey(text: "\u{FEFF}time,sensor,device,rssi,x,y\n1,s1,d1,-60,1,2\n", name: "s.csv")
        #expect(survey.count == 1)
    }

    @Test func aDirectoryGivenForAFileIsNamedAsOne() throws {
        let directory = Fixtures.temporaryDirectory("not-a-trace")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: FormatError.self) { try TraceReader(path: directory.path) }
        #expect(error.description == "\(directory.path): is a directory; pass the path of a file in it")
    }

    @Test func aNonNumericRSSINamesTheLineColumnAndField() throws {
        let reader = try TraceReader(text: "time,sensor,device,rssi\n1,s1,d1,-60\n2,s1,d1,abc\n", name: "t.csv")
        _ = try reader.read()
        let error = try #require(throws: FormatError.self) { try reader.read() }
        #expect(error.description == "t.csv:3:9: rssi: 'abc' is not a number; RSSI is dBm, like -67")
    }

    /// A time in milliseconds, or one no clock gives, is refused on its line: a clock run on
    /// from it would step by less than its own precision and never reach the next second.
    @Test func aTimeNoClockGivesIsRefusedOnItsLine() throws {
        for (time, message) in [
            ("1e17", "1e+17 is not a time in seconds since 1970 (UTC) before the year 2286; send seconds, not milliseconds"),
            ("1767603600123", "1767603600123.0 is not a time in seconds since 1970 (UTC) before the year 2286; send seconds, not milliseconds"),
            ("-5", "-5.0 is before 1970; send seconds since 1970 (UTC), or from the recording's start"),
        ] {
            let reader = try TraceReader(text: "time,sensor,device,rssi\n\(time),s1,d1,-60\n", name: "t.csv")
            let error = try #require(throws: FormatError.self) { try reader.read() }
            #expect(error.description == "t.csv:2:1: time: \(message)")
        }
        #expect(try TraceReader(text: "time,sensor,device,rssi\n0,s1,d1,-60\n9999999999,s1,d1,-60\n").readAll().count == 2)
    }

    /// An RSSI no radio reports (a percentage, milliwatts, a swapped column) is refused on its
    /// line; the ends of what radios report are read.
    @Test func anRSSINoRadioReportsIsRefusedOnItsLine() throws {
        for rssi in ["45", "-300", "20.5", "-128.5"] {
            let reader = try TraceReader(text: "time,sensor,device,rssi\n1,s1,d1,\(rssi)\n", name: "t.csv")
            let error = try #require(throws: FormatError.self) { try reader.read() }
            #expect(error.description == "t.csv:2:9: rssi: \(rssi) is not an RSSI a radio reports; give dBm between -128 and 20, like -67")
        }
        #expect(try TraceReader(text: "time,sensor,device,rssi\n1,s1,d1,-128\n2,s1,d1,20\n").readAll().map(\.rssi) == [-128, 20])
        // An advertised power likewise.
        let tx = try TraceReader(text: "time,sensor,device,rssi,tx_power\n1,s1,d1,-60,-59\n2,s1,d1,-60,-99999\n", name: "t.csv")
        #expect(try tx.read()?.txPower == -59)
        let far = try #require(throws: FormatError.self) { try tx.read() }
        #expect(far.description == "t.csv:3:13: tx_power: -99999 is not a transmit power a radio advertises; give dBm between -128 and 127, like -59")
    }

    /// Files saved in another shape say which, and bytes of a binary file are not echoed to
    /// the terminal.
    @Test func aFileOfAnotherShapeSaysWhichAndControlBytesAreShownEscaped() throws {
        let cr = try #require(throws: FormatError.self) { try TraceReader(text: "time,sensor,device,rssi\r1,s1,d1,-60\r", name: "t.csv") }
        #expect(cr.description.contains("(the file's lines end in a carriage return alone, as on old Macs; save it with LF line endings)"), "\(cr)")
        #expect(!cr.description.contains("\r"), "\(cr)")
        let tabs = try #require(throws: FormatError.self) { try TraceReader(text: "time\tsensor\tdevice\trssi\n", name: "t.csv") }
        #expect(tabs.description.contains("(the file looks tab-separated; use commas)"), "\(tabs)")
        let reader = try TraceReader(text: "time,sensor,device,rssi\n1,s1,d1,\u{1B}[2J\u{0}\n", name: "t.csv")
        let binary = try #require(throws: FormatError.self) { try reader.read() }
        #expect(binary.description == "t.csv:2:9: rssi: '\\u{1B}[2J\\u{0}' is not a number; RSSI is dBm, like -67", "\(binary)")
        let short = try TraceReader(text: "time,sensor,device,rssi\n1,s1,d1\n", name: "t.csv")
        let fields = try #require(throws: FormatError.self) { try short.read() }
        #expect(fields.description.hasSuffix("quote a field with a comma in it, or give every column of time,sensor,device,rssi"), "\(fields)")
    }

    @Test func aWrongHeaderSaysWhatTheHeaderShouldBe() throws {
        let error = try #require(throws: FormatError.self) { try TraceReader(text: "when,sensor,device,rssi\n", name: "t.csv") }
        #expect(error.line == 1)
        #expect(error.description.contains("unknown column 'when'"))
        #expect(error.description.contains("time,sensor,device,rssi"))
        let missing = try #require(throws: FormatError.self) { try TraceReader(text: "time,sensor,device\n", name: "t.csv") }
        #expect(missing.description.contains("missing column 'rssi'"))
    }

    @Test func aShortLineAndAnEmptyFileAreReported() throws {
        let reader = try TraceReader(text: "time,sensor,device,rssi\n1,s1,-60\n", name: "t.csv")
        let error = try #require(throws: FormatError.self) { try reader.read() }
        #expect(error.line == 2)
        #expect(error.message.contains("3 fields but the header has 4"))
        #expect(throws: FormatError.self) { try TraceReader(text: "", name: "t.csv") }
    }

    @Test func aMissingFileNamesThePath() {
        let error = #expect(throws: FormatError.self) { try TraceReader(path: "/nonexistent/trace.csv") }
        #expect(error?.description.contains("/nonexistent/trace.csv") == true)
    }

    @Test func linesLongerThanTheReadBufferAreReadWhole() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.csv").path
        var many: [Observation] = []
        for i in 0..<500 {
            many.append(Observation(time: Double(i) * 0.1, sensor: SensorID("sensor-\(i % 7)"), device: DeviceID("device-\(String(repeating: "x", count: i % 90))"), rssi: Double(-40 - i % 50)))
        }
        try TraceWriter.text(many).write(toFile: path, atomically: true, encoding: .utf8)
        let read = try TraceReader(lines: ByteLineReader(path: path, bufferSize: 64)).readAll()
        #expect(read == many)
    }

    @Test func numbersParseExactlyAsFoundationDoes() {
        var generator = SplitMix64(seed: 0x7261_6365)  // "race": the same numbers every run
        var samples = ["0", "-0.5", "1e3", "1767603600.123", "-59", "0.1", "123456789012345678", "2.5E-3", "-.25"]
        for _ in 0..<2000 {
            samples.append("\(Double.random(in: -1e6...1e10, using: &generator))")
            samples.append(String(format: "%.3f", Double.random(in: 1.7e9...1.8e9, using: &generator)))
        }
        for text in samples {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { NumberParser.parse($0) }
            #expect(parsed == Double(text), "\(text)")
        }
        for bad in ["", "-", "abc", "1.2.3", "12x", "--1"] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { NumberParser.parse($0) } == nil, "\(bad)")
        }
    }
}
