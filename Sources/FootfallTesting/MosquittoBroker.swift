import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real `mosquitto` broker on the loopback for a test (Debian's `mosquitto`, which `make test`
/// installs): its own loopback address and port, configuration, persistence and log in a
/// temporary directory.
/// Persistence is on, so a broker restarted with `restart()` keeps its sessions and the QoS 1
/// messages queued for them, as a production broker does.
public final class MosquittoBroker: @unchecked Sendable {
    /// An address of the loopback network no other broker of the run has and nothing else in
    /// the tests listens on (they use 127.0.0.1 and 127.0.0.2): the port, free when it was
    /// picked, stays free until mosquitto binds it, and a port a stopped broker held cannot be
    /// taken by another test's server picking a free port of its own.
    public let host: String
    public let port: Int
    public let directory: URL
    public var url: String { "\(certificate == nil ? "mqtt" : "mqtts")://\(host):\(port)" }
    /// With TLS (`start(tls: true)`): the broker's self-signed certificate, which a client
    /// trusts as its own CA.
    public let certificate: String?
    private let lock = NSLock()
    private var process: ChildProcess?
    /// While the broker is stopped, a socket bound to its address and port and not listening: a
    /// connection there is refused, as at a stopped broker's port, and nothing else can take
    /// the port (dozens of brokers and servers pick free ports in a full run; once, when every
    /// broker was on 127.0.0.1, one picked a stopped broker's port and the test's unreachable
    /// broker answered).
    private var placeholder: Int32?

    /// The broker's binary: Debian installs it in /usr/sbin, which a user's PATH may lack.
    public static var executable: String? {
        ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts a broker and returns once it accepts connections. With `users`, clients must log
    /// in as one of them (name → password); otherwise anyone may connect. `acl` is the lines of
    /// its ACL file (`topic write footfall/#`; lines before any `user` apply to anonymous
    /// clients), and `messageSizeLimit` its `message_size_limit` in bytes.
    public static func start(users: [String: String] = [:], tls: Bool = false, acl: [String]? = nil, messageSizeLimit: Int? = nil) async throws -> MosquittoBroker {
        guard executable != nil else {
            throw BrokerError("mosquitto is not installed; run `make test` (it installs it) or `sudo apt-get install mosquitto`")
        }
        let broker = try MosquittoBroker(users: users, tls: tls, acl: acl, messageSizeLimit: messageSizeLimit)
        try await broker.launch()
        return broker
    }

    private init(users: [String: String], tls: Bool, acl: [String]?, messageSizeLimit: Int?) throws {
        directory = Fixtures.temporaryDirectory("mosquitto")
        host = Self.nextHost()
        port = try Self.freePort(host: host)
        var tlsLines: [String] = []
        if tls {
            let made = try TestCertificate.make("broker", in: directory, address: host)
            certificate = made.certificate
            tlsLines = ["cafile \(made.certificate)", "certfile \(made.certificate)", "keyfile \(made.key)"]
        } else {
            certificate = nil
        }
        var lines = ["listener \(port) \(host)"] + tlsLines + [
            "persistence true",
            "persistence_location \(directory.path)/",
            // Keep everything a disconnected persistent session is owed (the default caps it at
            // 1000). Not 0 ("no limit"): mosquitto 2.0.11 then answers every message it refuses
            // an MQTT 5 client (its ACL, its size limit) with the PUBACK and drops the connection
            // (its `out_packet_count >= max_queued_messages` holds at 0).
            "max_queued_messages 10000000",
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
        if let acl {
            let file = directory.appendingPathComponent("acl")
            try acl.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
            lines.append("acl_file \(file.path)")
        }
        if let messageSizeLimit { lines.append("message_size_limit \(messageSizeLimit)") }
        if users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            // mosquitto 2 reads hashed passwords only: mosquitto_passwd -U hashes the plain file.
            let passwords = directory.appendingPathComponent("passwords")
            try users.map { "\($0):\($1)" }.joined(separator: "\n").appending("\n").write(to: passwords, atomically: true, encoding: .utf8)
            let hash = try ChildProcess("/usr/bin/mosquitto_passwd", ["-U", passwords.path])
            guard hash.terminationStatus == 0 else { throw BrokerError("mosquitto_passwd -U failed") }
            lines += ["allow_anonymous false", "password_file \(passwords.path)"]
        }
        try lines.joined(separator: "\n").appending("\n").write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        stopNow(SIGKILL)
        releasePort()
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch() async throws {
        releasePort()
        // Killed with the test process, so a crashed test leaves no broker behind.
        let process = try ChildProcess(Self.executable!, ["-c", directory.appendingPathComponent("mosquitto.conf").path], diesWithTestProcess: true)
        lock.withLock { self.process = process }
        // The wait is for the port, so the deadline only matters when it never opens; in a full
        // run on two loaded cores a wake-up can come many seconds late.
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if Self.accepts(host: host, port: port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BrokerError("mosquitto did not listen on \(host):\(port): \(log)")
    }

    /// Stops the broker (SIGTERM: it saves its sessions and queued messages, as a broker being
    /// restarted does) and waits for it to exit. Its port stays its own until it starts again.
    public func stop() async throws {
        await onAThreadOfItsOwn { [self] in stopNow(SIGTERM) }
        try holdPort()
    }

    private func holdPort() throws {
        // Stopped already (a restart of a stopped broker): the port is held.
        if lock.withLock({ placeholder != nil }) { return }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError("socket: \(String(cString: strerror(errno)))") }
        var address = Self.address(host, port: port)
        let bind = { withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } } }
        // The broker's connections, closed by it as it stopped, may linger in TIME_WAIT on the
        // port; SO_REUSEADDR binds past them (and, not listening, still refuses connections).
        var reuse: Int32 = 1
        guard bind() || (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0 && bind()) else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BrokerError("the stopped broker's port \(port) could not be held: bind: \(reason)")
        }
        lock.withLock { placeholder = fd }
    }

    private func releasePort() {
        if let fd = lock.withLock({ defer { placeholder = nil }; return placeholder }) { close(fd) }
    }

    public static func address(_ host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }

    /// 127.0.9.1, 127.0.9.2, … 127.0.9.254, then 127.0.10.1 …: the whole of 127.0.0.0/8 is
    /// the loopback on Linux, so each is there without any set-up.
    private static let hostsGiven = Atomic<Int>(0)
    static func nextHost() -> String {
        let index = hostsGiven.add(1, ordering: .relaxed).oldValue
        return "127.0.\(9 + index / 254).\(1 + index % 254)"
    }

    /// Freezes the broker (SIGSTOP): connections stay open and nothing is answered, as a hung
    /// broker behaves. `resume()` thaws it.
    public func pause() { lock.withLock { process }?.send(SIGSTOP) }
    public func resume() { lock.withLock { process }?.send(SIGCONT) }

    /// Stops the broker and starts it again on the same port with the same persistence.
    public func restart() async throws {
        try await stop()
        try await launch()
    }

    private func stopNow(_ signal: Int32) {
        guard let process = lock.withLock({ defer { self.process = nil }; return self.process }) else { return }
        process.send(signal)
        // A broker that does not stop within a minute is killed (and loses what it persists,
        // which fails the test that restarted it) rather than holding the run.
        process.waitUntilExit(timeout: .seconds(60))
    }

    public var log: String { (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? "" }

    /// Whether a client has subscribed to `filter`: from then on the broker forwards what is
    /// published on it (it logs "time: client qos filter" as it takes the subscription in; a
    /// message published before is lost to a client that was not subscribed).
    public func hasSubscription(to filter: String) -> Bool {
        log.split(separator: "\n").contains { $0.hasSuffix(" " + filter) }
    }

    public static func accepts(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = address(host, port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port of `host` nobody listens on now: bound to port 0, read back, released.
    static func freePort(host: String) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = address(host, port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BrokerError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public struct BrokerError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
