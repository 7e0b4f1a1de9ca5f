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

/// Runs blocking work (a child process to its end, a simulation, a generated-input loop) on a
/// thread of its own and awaits it, so the test run's cooperative threads (as many as there are
/// cores) stay free for the tests that wait on timers and sockets meanwhile. The body stays part
/// of the calling test's task (its executor is that thread): an `#expect` inside it is the test's.
public func onAThreadOfItsOwn<T, Failure: Error>(_ body: () throws(Failure) -> T) async throws(Failure) -> T {
    let thread = ThreadExecutor()
    defer { thread.finish() }
    return try await withTaskExecutorPreference(thread) { () async throws(Failure) -> T in try body() }
}

/// A task executor that runs its jobs on one thread started for it, until `finish()`.
private final class ThreadExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<(queue: [UnownedJob], finished: Bool)>(([], false))
    private let ready = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            while let job = next() { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.queue.append(job) }
        ready.signal()
    }

    /// Lets the thread end once it has run the jobs already queued.
    func finish() {
        jobs.withLock { $0.finished = true }
        ready.signal()
    }

    /// The next job, waiting for one; nil once finished and drained.
    private func next() -> UnownedJob? {
        while true {
            let job = jobs.withLock { jobs -> UnownedJob?? in
                if !jobs.queue.isEmpty { return .some(jobs.queue.removeFirst()) }
                return jobs.finished ? .some(nil) : nil
            }
            if let job { return job }
            ready.wait()
        }
    }
}
