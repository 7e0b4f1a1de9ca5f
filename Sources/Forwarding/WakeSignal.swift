import Synchronization

/// Wakes an idle sink worker when events are appended, so an event reaches an idle sink within
/// milliseconds instead of at the next poll. A signal that arrives while nobody waits is kept
/// for the next wait.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Whether a wait is under way: a test waits for it before it signals or cancels.
    var isWaiting: Bool { state.withLock { $0.waiter != nil } }

    /// Returns on a signal (or one kept since the last wait), after `timeout`, or on cancellation.
    func wait(timeout: Duration) async {
        let kept = state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
        if kept { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
