import BLE
import Capture
import FootfallCore
import FootfallTesting
import Foundation
import Logging
import NIOCore
import Testing

@Suite struct BtsnoopReplaySourceTests {
    static let logger = Logger(label: "test.btsnoop")
    static let horizon = Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop").path

    @Test func theHorizonCaptureReplaysEveryAdvertisingReportAsFastAsPossible() async throws {
        let collector = ObservationCollector()
        let source = BtsnoopReplaySource(path: Self.horizon, sensor: "s1", logger: Self.logger, onObservation: collector.handler)
        let summary = try await source.replay()
        #expect(summary.records == 2_572)
        #expect(summary.advertisingReportEvents == 412)
        #expect(summary.undecodableEvents == 0)
        #expect(summary.observations == collector.count)
        let beacons = Set(collector.observations.filter { $0.device.kind == .ibeacon }.map(\.device))
        #expect(beacons == [
            "ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207",
            "ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20597:62207",
        ])
        let times = collector.observations.map(\.time)
        #expect(times == times.sorted())
    }

    @Test func aMonitorFormatCaptureIsReplayedNoFasterThanRecorded() async throws {
        let report: [UInt8] = [0x3E, 0x0C, 0x02, 0x01, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 0x00, 0xB5]
        var file = ByteBuffer()
        BtsnoopWriter.header(datalink: .linuxMonitor, into: &file)
        for index in 0..<4 { BtsnoopWriter.record(report, flags: 3, time: 1_700_000_000 + Double(index) * 0.1, into: &file) }
        let directory = Fixtures.temporaryDirectory("btsnoop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("monitor.btsnoop").path
        try Data(file.readableBytesView).write(to: URL(fileURLWithPath: path))

        let collector = ObservationCollector()
        let source = BtsnoopReplaySource(path: path, sensor: "s1", speed: .recorded(), logger: Self.logger, onObservation: collector.handler)
        let started = ContinuousClock.now
        let summary = try await source.replay()
        let elapsed = ContinuousClock.now - started
        #expect(summary.observations == 4)
        #expect(collector.observations.map(\.device) == Array(repeating: "ble:06:05:04:03:02:01", count: 4))
        #expect(collector.observations.map(\.time) == [1_700_000_000, 1_700_000_000.1, 1_700_000_000.2, 1_700_000_000.3])
        // 0.3 s recorded. No upper bound: a loaded CI machine can stall any task for seconds.
        #expect(elapsed >= .milliseconds(300))
    }

    /// One record stamped a century ahead moved the pipeline's clock with it (the gateway spun
    /// making empty traffic intervals) and a paced replay waited for it (audit): it is left out,
    /// counted; records after a real gap, which agree with each other, are taken.
    @Test func aRecordWithATimeNoCaptureHasIsLeftOutAndARealGapKept() async throws {
        let report: [UInt8] = [0x3E, 0x0C, 0x02, 0x01, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 0x00, 0xB5]
        let base = 1_700_000_000.0
        let times = [base, base + 1, base + 3_155_760_000, base + 2, base + 3 * 86_400, base + 3 * 86_400 + 1]
        var file = ByteBuffer()
        BtsnoopWriter.header(datalink: .linuxMonitor, into: &file)
        for time in times { BtsnoopWriter.record(report, flags: 3, time: time, into: &file) }
        let directory = Fixtures.temporaryDirectory("btsnoop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stamps.btsnoop").path
        try Data(file.readableBytesView).write(to: URL(fileURLWithPath: path))
        let collector = ObservationCollector()
        let source = BtsnoopReplaySource(path: path, sensor: "s1", speed: .recorded(factor: 1_000_000), logger: Self.logger, onObservation: collector.handler)
        let summary = try await source.replay()
        // The century ahead, and the first record after the three-day gap (which no neighbour
        // agrees with yet), are left out; the second after it is taken.
        #expect(collector.observations.map(\.time) == [base, base + 1, base + 2, base + 3 * 86_400 + 1])
        #expect(summary.badTimes == 2 && summary.firstBadTime == 3)
    }

    @Test func aMissingFileIsOneLineNamingIt() async {
        let source = BtsnoopReplaySource(path: "/nonexistent/x.btsnoop", sensor: "s1", logger: Self.logger, onObservation: { _ in })
        let error = await #expect(throws: BLECaptureError.self) { _ = try await source.replay() }
        #expect(error?.description == "open on /nonexistent/x.btsnoop failed: No such file or directory; check the path")
    }

    @Test func aFileThatIsNotBtsnoopSaysWhichByteIsWrong() async throws {
        let directory = Fixtures.temporaryDirectory("btsnoop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("not.btsnoop").path
        try Data("this is not a snoop log".utf8).write(to: URL(fileURLWithPath: path))
        let source = BtsnoopReplaySource(path: path, sensor: "s1", logger: Self.logger, onObservation: { _ in })
        let error = await #expect(throws: BLECaptureError.self) { _ = try await source.replay() }
        #expect(error?.description == "\(path) is not a readable btsnoop capture: btsnoop header: identification pattern is not \"btsnoop\\0\" at byte 0")
    }
}
