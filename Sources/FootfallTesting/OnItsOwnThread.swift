import Foundation
import Synchronization

/// A value computed once on a thread of its own, awaited by any number of tests. Half a minute
/// of simulation and replay on one of the test run's cooperative threads (as many as there are
/// cores) would starve the tests that wait on timers and sockets meanwhile.
public final class OnItsOwnThread<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiting: [CheckedContinuation<Value, Never>])>((nil, []))

    public init(_ make: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let value = make()
            let waiting = state.withLock { state in
                state.value = value
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume(returning: value) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    public var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Value? in
                    if let value = state.value { return value }
                    state.waiting.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

/// Runs blocking work (a child process to its end, a simulation) on a thread of its own and
/// awaits it, so the test run's cooperative threads (as many as there are cores) stay free for
/// the tests that wait on timers and sockets meanwhile.
public func onAThreadOfItsOwn<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
