import Foundation
import Synchronization

/// A value computed once on a thread of its own, awaited by any number of tests. Half a minute
/// of simulation and replay on one of the test run's cooperative threads (as many as there are
/// cores) would starve the tests that wait on timers and sockets meanwhile.
public final class OnItsOwnThread<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiting: [CheckedContinuation<Value, Never>])>((nil, []))

    public init(_ make: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            lowerThisThreadsPriority()
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

/// Runs async work with a thread of its own as its task executor: its jobs, and its child
/// tasks' unless they ask for another, run there and not on the test run's cooperative
/// threads. For a test whose work between suspensions is long (a simulation, a replay of a
/// recording): on a cooperative thread every continuation queued behind it, a timer's or a
/// socket's in another test, waits for the whole of it. (`Testing`'s `.onItsOwnThread` trait,
/// in FootfallTestTraits, runs every test of a suite so.)
public func withAThreadOfItsOwn<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    let thread = ThreadExecutor()
    defer { thread.finish() }
    return try await withTaskExecutorPreference(thread) { try await body() }
}

/// A task executor that runs its jobs on one thread started for it, until `finish()`.
private final class ThreadExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<(queue: [UnownedJob], finished: Bool)>(([], false))
    private let ready = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            lowerThisThreadsPriority()
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

/// Gives the calling thread (and the processes it starts) a nice of 10: the work put on threads
/// of their own is the long work (simulations, replays, children run to their end), and the
/// test run's cooperative threads, which resume every test's timers and sockets, should not
/// wait behind it for the CPU. With dozens of such threads busy on two cores, a cooperative
/// thread at the same priority got a few per cent of a core, and a probe sleeping 100 ms at a
/// time was resumed 8–16 s late at the start of a full run.
/// A run already nicer than that (started under `nice -n 15`, say) keeps its own.
private func lowerThisThreadsPriority() {
    guard let tid = thisThreadsID(), let nice = thisThreadsNice(), nice < niceOfItsOwn else { return }
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, niceOfItsOwn)
}

/// The nice of a thread of its own (`lowerThisThreadsPriority`).
public let niceOfItsOwn: Int32 = 10

/// The calling thread's nice (`niceOfItsOwn` on a thread of its own, unless the run was nicer
/// already); nil when it cannot be read.
public func thisThreadsNice() -> Int32? {
    guard let tid = thisThreadsID() else { return nil }
    errno = 0
    let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid)
    return errno == 0 ? nice : nil
}

/// The calling thread's kernel id, from "/proc/thread-self", which names its task as
/// PID/task/TID (gettid is not in Glibc's Swift overlay).
private func thisThreadsID() -> id_t? {
    var buffer = [CChar](repeating: 0, count: 64)
    let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return path.split(separator: "/").last.flatMap { id_t($0) }
}
