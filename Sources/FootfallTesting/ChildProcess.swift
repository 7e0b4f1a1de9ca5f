import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for the tests, started with posix_spawn so that it inherits nothing of the
/// test process but what it is given: standard input, output and error from files (or
/// /dev/null) and any descriptors named in `descriptors`; every other descriptor is closed in
/// the child before it runs, whatever other tests opened meanwhile.
///
/// Foundation's `Process` cannot promise that on Linux: it closes the descriptors open when it
/// looks, so a pipe or socket another test opens a moment later can end up held by this child
/// too. A daemon that inherited another test's pipe to its command would hold that command's
/// output (and Foundation's own end-of-process socket) open until the daemon was killed, and a
/// test waiting for the command on one of the run's few cooperative threads could then wait on
/// a test that cannot run (a CI run hung until CI's limit, its cause not in its log). Here the
/// end of a child is `waitid` on its pid, and its output is a file, read once it has ended:
/// nothing waits for an end-of-file another process could hold back.
public final class ChildProcess: @unchecked Sendable {
    public enum Input: Sendable {
        case null
        case file(URL)
    }

    public enum Output: Sendable {
        case null
        case file(URL)
        /// Standard error only: wherever standard output goes.
        case standardOutput
    }

    public enum TerminationReason: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    public let processIdentifier: pid_t
    private let lock = NSLock()
    /// The status `waitpid` gave once the child was reaped.
    private var status: Int32?

    /// Starts `executable` (a path; `/usr/bin/env` finds a tool on PATH) with `arguments` (not
    /// counting the program name). `environment` nil inherits the test process's own.
    /// `descriptors` maps a descriptor number in the child to one of ours, for a child that
    /// talks over extra pipes (numbers 3 and up; ours should be above them).
    /// `diesWithTestProcess` has the kernel kill the child when the test process ends, however
    /// it ends (`setpriv --pdeathsig`), so a crashed or stopped test run leaves no daemon behind.
    public convenience init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, currentDirectory: URL? = nil,
        input: Input = .null, output: Output = .null, errors: Output = .null, descriptors: [Int32: Int32] = [:],
        diesWithTestProcess: Bool = false
    ) throws {
        guard diesWithTestProcess else {
            try self.init(spawning: executable, arguments, environment, currentDirectory, input, output, errors, descriptors)
            return
        }
        // The parent-death signal follows the thread that started the child, not the process:
        // started from a pool thread that the runtime later retires, a broker was killed
        // mid-test. So these children are all started from one thread that lives as long as
        // the test process.
        let pid = try Self.spawningThread.run {
            try ChildProcess(
                spawning: "/usr/bin/setpriv", ["--pdeathsig", "KILL", "--", executable] + arguments, environment, currentDirectory,
                input, output, errors, descriptors
            ).processIdentifier
        }
        self.init(adopting: pid)
    }

    private init(adopting pid: pid_t) {
        processIdentifier = pid
    }

    private init(
        spawning executable: String, _ arguments: [String], _ environment: [String: String]?, _ currentDirectory: URL?,
        _ input: Input, _ output: Output, _ errors: Output, _ descriptors: [Int32: Int32]
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let url): posix_spawn_file_actions_addopen(&actions, 0, url.path, O_RDONLY, 0)
        }
        for (fd, target) in [(Int32(1), output), (Int32(2), errors)] {
            switch target {
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .file(let url): posix_spawn_file_actions_addopen(&actions, fd, url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, fd)
            }
        }
        for (childFD, ourFD) in descriptors.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, ourFD, childFD)
        }
        if let currentDirectory {
            guard Self.addChdir(&actions, currentDirectory.path) else {
                throw ChildProcessError("cannot start \(executable) in \(currentDirectory.path): this glibc has no posix_spawn_file_actions_addchdir_np (2.29 or newer is needed)")
            }
        }
        guard Self.addCloseFrom(&actions, (descriptors.keys.max() ?? 2) + 1) else {
            throw ChildProcessError("cannot start \(executable): this glibc has no posix_spawn_file_actions_addclosefrom_np (2.34 or newer is needed)")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // No signal blocked and none ignored: the test process's threads block some, and SIGPIPE
        // is ignored here, and a child inherits both, so a daemon would shrug off SIGTERM.
        var none = sigset_t(), every = sigset_t()
        sigemptyset(&none)
        sigfillset(&every)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &every)
        // A process group of its own: a child that starts helpers can be ended with them.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(result)))") }
        processIdentifier = pid
    }

    /// Whether it is still running. It does not reap the child, so until `waitUntilExit` its
    /// pid and process group id stay its own.
    public var isRunning: Bool {
        if lock.withLock({ status != nil }) { return false }
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT)
        return result == 0 && info._sifields._sigchld.si_pid != processIdentifier
    }

    /// Sends `signal` to the child (to its whole process group with `group`).
    public func send(_ signal: Int32, group: Bool = false) {
        guard lock.withLock({ status == nil }) else { return }
        _ = kill(group ? -processIdentifier : processIdentifier, signal)
    }

    /// Blocks until the child has ended, then reaps it. Safe from several threads at once.
    public func waitUntilExit() {
        if lock.withLock({ status != nil }) { return }
        var info = siginfo_t()
        // Waits without reaping, outside the lock, so `isRunning` never waits behind it.
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        lock.withLock {
            guard status == nil else { return }
            var raw: Int32 = 0
            while waitpid(processIdentifier, &raw, 0) == -1, errno == EINTR {}
            status = raw
        }
    }

    /// Waits at most `timeout` for the child to end, looking every 10 ms (from a thread of the
    /// caller's own); if it has not, kills it and its process group. Returns whether it ended by
    /// itself. How a test stops a child that should end: one that hangs fails the test, it does
    /// not hold the run.
    @discardableResult
    public func waitUntilExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        let ended = !isRunning
        if !ended { send(SIGKILL, group: true) }
        waitUntilExit()
        return ended
    }

    /// The exit code, or the signal that ended it (as Foundation's `Process` gives it); waits
    /// for the end first.
    public var terminationStatus: Int32 {
        waitUntilExit()
        let raw = lock.withLock { status ?? 0 }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f
    }

    public var terminationReason: TerminationReason {
        waitUntilExit()
        return lock.withLock { status ?? 0 } & 0x7f == 0 ? .exit : .uncaughtSignal
    }

    private static let spawningThread = SpawningThread()

    /// A thread that runs one job at a time and never ends.
    private final class SpawningThread: @unchecked Sendable {
        private let condition = NSCondition()
        private var jobs: [() -> Void] = []

        init() {
            let thread = Thread { [self] in
                while true {
                    condition.lock()
                    while jobs.isEmpty { condition.wait() }
                    let job = jobs.removeFirst()
                    condition.unlock()
                    job()
                }
            }
            thread.name = "child process spawner"
            thread.start()
        }

        /// Runs `body` there and waits for it (a posix_spawn: milliseconds).
        func run<T>(_ body: @escaping () throws -> T) throws -> T {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var result: Result<T, any Error>?
            condition.lock()
            jobs.append {
                result = Result { try body() }
                done.signal()
            }
            condition.signal()
            condition.unlock()
            done.wait()
            return try result!.get()
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `…_addchdir_np` (2.29),
    /// which Swift's Glibc module does not declare.
    private static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) -> Bool {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return false }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, lowest) == 0
    }

    private static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Bool {
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return false }
        return unsafeBitCast(symbol, to: AddChdir.self)(&actions, path) == 0
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
