import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Logging
import Testing

@Suite struct TraceSourceTests {
    @Test func aBadLineStopsTheSourceAfterWhatCameBeforeItReachedThePipeline() async throws {
        let directory = Fixtures.temporaryDirectory("trace-source")
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "time,sensor,device,rssi\n"
        for i in 0..<999 { text += "\(1_000 + Double(i) * 0.01),s1,ble:aa:bb:cc:dd:ee:01,-60\n" }
        text += "1010,s1,ble:aa:bb:cc:dd:ee:01,strong\n"
        let path = directory.appendingPathComponent("t.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let bus = InputBus()
        let source = TraceSource(path: path, speed: nil, loop: false, bus: bus, logger: Logger(label: "test"))
        await #expect(throws: FormatError.self) { try await source.run() }
        bus.finish()
        var observations = 0
        for await input in bus.stream {
            switch input {
            case .observation: observations += 1
            case .observations(let list): observations += list.count
            case .tick, .endOfRecording: break
            }
        }
        #expect(observations == 999)
    }

    /// The pipeline's round at second T includes the readings stamped T (as `footfall replay`
    /// runs it), so the source moves the clock to T only once every reading stamped T is sent:
    /// a tick sent before them ran that round without them, and a device heard at whole
    /// seconds got other events from the daemon than from `replay`.
    @Test func theClockIsMovedToATimeOnlyAfterEveryReadingStampedWithItIsSent() async throws {
        let directory = Fixtures.temporaryDirectory("trace-source-ticks")
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "time,sensor,device,rssi\n"
        for second in 0..<20 {
            for sensor in ["s1", "s2", "s3"] { text += "\(1_000 + second),\(sensor),ble:aa:bb:cc:dd:ee:01,-60\n" }
        }
        let path = directory.appendingPathComponent("t.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let bus = InputBus()
        let source = TraceSource(path: path, speed: nil, loop: false, finishAfter: 0, bus: bus, logger: Logger(label: "test"))
        try await source.run()
        bus.finish()
        var sent: [Double] = [], ticks: [(time: Double, after: Int)] = [], ends: [(time: Double, after: Int)] = []
        for await input in bus.stream {
            switch input {
            case .observation(let o): sent.append(o.time)
            case .observations(let list): sent += list.map(\.time)
            case .tick(let time): ticks.append((time, sent.count))
            case .endOfRecording(let time): ends.append((time, sent.count))
            }
        }
        #expect(sent.count == 60)
        // The end of the recording comes once, after every reading: the held ones are taken.
        #expect(ends.count == 1 && ends.first?.after == 60 && ends.first?.time == 1_019, "\(ends)")
        #expect(ticks.count >= 18, "the clock moves along the trace, not only at its end: \(ticks.map(\.time))")
        for tick in ticks {
            #expect(sent[tick.after...].allSatisfy { $0 > tick.time }, "a reading stamped \(tick.time) or earlier came after the tick to \(tick.time)")
            #expect(sent[..<tick.after].filter { $0 == tick.time }.count == 3 || tick.time > sent.last!)
        }
    }
}
