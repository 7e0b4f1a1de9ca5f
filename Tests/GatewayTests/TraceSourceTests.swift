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
            case .tick: break
            }
        }
        #expect(observations == 999)
    }
}
