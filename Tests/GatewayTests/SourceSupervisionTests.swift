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

    /// A live source that works for a while on the clock, then fails (an adapter unplugged).
    final class UnpluggedSource: Service, Sendable {
        let clock: ManualClock
        let worksFor: Duration
        private let starts = Atomic<Int>(0)
        var runs: Int { starts.load(ordering: .relaxed) }
        init(clock: ManualClock, worksFor: Duration) {
            self.clock = clock
            self.worksFor = worksFor
        }
        func run() async throws {
            starts.add(1, ordering: .relaxed)
            try await clock.timing.sleep(worksFor)
            throw FailingSource.Unplugged()
        }
    }

    /// The supervisor is the one loop that opens an adapter again: one that had worked for a
    /// minute before it went away is tried again after a second each time, not after a back-off
    /// grown by earlier failures.
    @Test func aSourceThatWorkedForAMinuteIsRetriedFromTheFirstStepAgain() async throws {
        let clock = ManualClock()
        let source = UnpluggedSource(clock: clock, worksFor: .seconds(90))
        let board = SourceBoard()
        let supervised = SupervisedSource(
            name: "hci hci9", recorded: false, board: board, metrics: GatewayMetrics(), logger: Self.quiet, source: source,
            timing: clock.timing)
        let task = Task { try await supervised.run() }
        for run in 1...3 {
            // The source works (waits on the clock), then fails; the supervisor waits 1 s.
            try #require(await waitUntil { source.runs == run && clock.sleepers == 1 }, "run \(run) started")
            #expect(board.snapshot["source hci hci9"] == "running")
            clock.advance(by: .seconds(90))
            try #require(await waitUntil { clock.waits.count == 2 * run && clock.sleepers == 1 }, "run \(run) failed")
            #expect(board.snapshot["source hci hci9"] == "failing: hci9 went away (retrying in 1 s)")
            clock.advance(by: .seconds(1))
        }
        #expect(clock.waits == Array(repeating: [Duration.seconds(90), .seconds(1)], count: 3).flatMap { $0 })
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
