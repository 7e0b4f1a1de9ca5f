import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `mosquitto` broker on 127.0.0.1 for a test (Debian's `mosquitto`, which `make test`
/// installs): its own port, configuration, persistence and log in a temporary directory.
/// Persistence is on, so a broker restarted with `restart()` keeps its sessions and the QoS 1
/// messages queued for them, as a production broker does.
public final class MosquittoBroker: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    public var url: String { "mqtt://127.0.0.1:\(port)" }
    private let lock = NSLock()
    private var pid: pid_t?

    /// The broker's binary: Debian installs it in /usr/sbin, which a user's PATH may lack.
    public static var executable: String? {
        ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts a broker and returns once it accepts connections. With `users`, clients must log
    /// in as one of them (name → password); otherwise anyone may connect.
    public static func start(users: [String: String] = [:]) async throws -> MosquittoBroker {
        guard executable != nil else {
            throw BrokerError("mosquitto is not installed; run `make test` (it installs it) or `sudo apt-get install mosquitto`")
        }
        let broker = try MosquittoBroker(users: users)
        try await broker.launch()
        return broker
    }

    private init(users: [String: String]) throws {
        directory = Fixtures.temporaryDirectory("mosquitto")
        port = try Self.freePort()
        var lines = [
            "listener \(port) 127.0.0.1",
            "persistence true",
            "persistence_location \(directory.path)/",
            // Keep everything a disconnected persistent session is owed (the default caps it at 1000).
            "max_queued_messages 0",
            "max_inflight_messages 0",
            "log_dest file \(directory.path)/mosquitto.log",
            "log_type error",
            "log_type warning",
            "log_type notice",
            // One line per topic filter subscribed to (`hasSubscription(to:)`).
            "log_type subscribe",
            // Stay the user the tests run as (as root, mosquitto would switch to `mosquitto`,
            // which cannot write to the test's directory).
            "user \(String(cString: getpwuid(getuid()).pointee.pw_name))",
        ]
        if users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            // mosquitto 2 reads hashed passwords only: mosquitto_passwd -U hashes the plain file.
            let passwords = directory.appendingPathComponent("passwords")
            try users.map { "\($0):\($1)" }.joined(separator: "\n").appending("\n").write(to: passwords, atomically: true, encoding: .utf8)
            let hash = Process()
            hash.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_passwd")
            hash.arguments = ["-U", passwords.path]
            try hash.run()
            hash.waitUntilExit()
            guard hash.terminationStatus == 0 else { throw BrokerError("mosquitto_passwd -U failed") }
            lines += ["allow_anonymous false", "password_file \(passwords.path)"]
        }
        try lines.joined(separator: "\n").appending("\n").write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        stopNow(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch() async throws {
        let pid = try Self.spawn(Self.executable!, ["-c", directory.appendingPathComponent("mosquitto.conf").path])
        lock.withLock { self.pid = pid }
        // The wait is for the port, so the deadline only matters when it never opens; in a full
        // run on two loaded cores a wake-up can come many seconds late.
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            guard kill(pid, 0) == 0, !exited(pid) else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BrokerError("mosquitto did not listen on 127.0.0.1:\(port): \(log)")
    }

    /// Starts `path` as a child of its own: with no signal blocked (the test process's threads
    /// block some, and a child inherits the mask, so it would ignore SIGTERM), none of the test
    /// process's descriptors (it would hold the test run's output open), and killed when the
    /// test process dies (`setpriv --pdeathsig`), so a crashed test leaves no broker behind.
    /// The parent-death signal follows the thread that spawned the child, not the process, so
    /// every broker is spawned from one thread that lives as long as the test process: spawned
    /// from a pool thread that the runtime later retires, a broker was killed mid-test.
    static func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
        try spawningThread.run { try spawnHere(path, arguments) }
    }

    private static let spawningThread = SpawningThread()

    private static func spawnHere(_ path: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // bash closes every other descriptor, then becomes the broker (glibc's closefrom
        // action is not visible from Swift; dash redirects only one-digit descriptors).
        let closeAndRun = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec "$@""#
        let argv = ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/bash", "-c", closeAndRun, "bash", path] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
        guard result == 0 else { throw BrokerError("cannot start \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Whether the child has ended (and reaps it).
    private func exited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    /// Stops the broker (SIGTERM: it saves its sessions and queued messages, as a broker being
    /// restarted does) and waits for it to exit.
    public func stop() async throws {
        await onAThreadOfItsOwn { [self] in stopNow(SIGTERM) }
    }

    /// Stops the broker and starts it again on the same port with the same persistence.
    public func restart() async throws {
        try await stop()
        try await launch()
    }

    private func stopNow(_ signal: Int32) {
        guard let pid = lock.withLock({ defer { self.pid = nil }; return self.pid }) else { return }
        kill(pid, signal)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    public var log: String { (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? "" }

    /// Whether a client has subscribed to `filter`: from then on the broker forwards what is
    /// published on it (it logs "time: client qos filter" as it takes the subscription in; a
    /// message published before is lost to a client that was not subscribed).
    public func hasSubscription(to filter: String) -> Bool {
        log.split(separator: "\n").contains { $0.hasSuffix(" " + filter) }
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port nobody listens on now: bound to port 0, read back, released.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BrokerError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

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
            thread.name = "mosquitto spawner"
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

    public struct BrokerError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
