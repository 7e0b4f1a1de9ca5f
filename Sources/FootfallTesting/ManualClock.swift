import FootfallCore
import Synchronization

/// A wall clock that moves only when the test moves it: what a component waits for with its
/// `Timing.sleep` happens when the test calls `advance(by:)`, at once and in order, so a test of
/// back-off or timeouts runs at full speed and waits for no real time. `sleepers` tells the test
/// that the component has got as far as waiting.
public final class ManualClock: Sendable {
    private struct Sleeper {
        var id: UInt64
        var deadline: Double
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Double
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        var waits: [Duration] = []
    }

    private let state: Mutex<State>
    private let random: @Sendable () -> Double

    /// - Parameters:
    ///   - now: the starting time, seconds since the Unix epoch (by default 2026-01-01 00:00 UTC).
    ///   - random: the jitter's numbers in [0, 1]; by default always the middle.
    public init(now: Double = 1_767_225_600, random: @escaping @Sendable () -> Double = { 0.5 }) {
        state = Mutex(State(now: now))
        self.random = random
    }

    /// Seconds since the Unix epoch, as far as the clock has been moved.
    public var now: Double { state.withLock { $0.now } }

    /// Every wait asked for so far, in order.
    public var waits: [Duration] { state.withLock { $0.waits } }

    /// How many tasks wait on the clock now.
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    /// The clock as a component takes it.
    public var timing: Timing {
        Timing(sleep: { try await self.sleep($0) }, random: random, now: { self.now }, elapsed: { self.now })
    }

    /// Moves the clock on, waking (in deadline order) those whose wait has passed.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now += duration / .seconds(1)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Returns once the clock has been moved `duration` on; throws `CancellationError` when the
    /// task is cancelled first.
    public func sleep(_ duration: Duration) async throws {
        let id = state.withLock { state -> UInt64 in
            state.waits.append(duration)
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    let deadline = state.now + max(duration, .zero) / .seconds(1)
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
