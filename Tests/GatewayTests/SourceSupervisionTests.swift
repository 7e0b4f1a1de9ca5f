import FootfallCore
import FootfallTesting
@testable import Gateway
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The daemon's restart of a failing live source and its wall-clock ticks, on a manual clock.
@Suite struct SourceSupervisionTests {
    static let quiet = Logger(label: "footfall.test") { _ in SwiftLogNoOpLogHandler() }

    /// A live source that fails as soon as it starts, counting its starts.
    final class FailingSource: Service, Sendable {
        struct Unplugged: Error, CustomStringConvertible {
            var description: String { "hci9 went away" }
        }
        private let starts = Atomic<Int>(0)
        var runs: Int { starts.load(ordering: .relaxed) }
        func run() async throws {
            starts.add(1, ordering: .relaxed)
            throw Unplugged()
        }
    }

    @Test func aLiveSourceThatKeepsFailingIsRestartedAfterOneTwoFourSecondsAndNeverMoreThanAMinuteApart() async throws {
        let clock = ManualClock()
        let source = FailingSource()
        let board = SourceBoard()
        let supervised = SupervisedSource(
            name: "hci hci9", recorded: false, board: board, metrics: GatewayMetrics(), logger: Self.quiet, source: source,
            timing: clock.timing)
        let task = Task { try await supervised.run() }
        for run in 1...8 {
            try #require(await waitUntil { source.runs == run && clock.sleepers == 1 }, "run \(run)")
            #expect(board.snapshot["source hci hci9"] == "failing: hci9 went away (retrying in \(Int(clock.waits[run - 1] / .seconds(1))) s)")
            clock.advance(by: clock.waits[run - 1])
        }
        #expect(Array(clock.waits.prefix(8)) == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        task.cancel()
        _ = await task.result
    }

    @Test func theTickerTicksThePipelineWithTheClocksTimeEverySecond() async throws {
        let clock = ManualClock(now: 1_000)
        let bus = InputBus()
        let task = Task { try await WallClockTicker(bus: bus, timing: clock.timing).run() }
        var inputs = bus.stream.makeAsyncIterator()
        #expect(await inputs.next() == .tick(1_000))
        try #require(await waitUntil { clock.sleepers == 1 })
        clock.advance(by: .milliseconds(500))
        #expect(clock.sleepers == 1, "not before a second")
        clock.advance(by: .milliseconds(500))
        #expect(await inputs.next() == .tick(1_001))
        #expect(clock.waits.allSatisfy { $0 == .seconds(1) })
        task.cancel()
        _ = await task.result
    }
}
