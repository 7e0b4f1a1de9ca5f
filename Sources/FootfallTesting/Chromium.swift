import Dispatch
import Foundation
import Synchronization
import Glibc

/// Debian's headless Chromium driven over the DevTools Protocol through
/// `--remote-debugging-pipe`: commands go in on the browser's fd 3, responses and events come
/// out of its fd 4, each message a JSON text ended by a NUL byte. For tests that load the live
/// map in a real browser. Call `close()` when done (a `defer` right after `launch`).
public final class Chromium: Sendable {
    /// One line naming the command that installs it.
    public struct NotInstalled: Error, CustomStringConvertible {
        public var description: String {
            "chromium is not installed: run `sudo apt-get update && sudo apt-get install -y chromium` (or `make test-deps`)"
        }
    }

    /// Chromium answered a command with an error, did not answer in time, or went away.
    public struct ProtocolError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// One event the browser sent: its method, the page session it came from, its params.
    public struct Event: Sendable {
        public var method: String
        public var sessionID: String?
        /// The event's `params` object as JSON.
        public var params: Data

        public func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(type, from: params)
        }
    }

    struct State {
        var nextID = 1
        var pending: [Int: (method: String, continuation: CheckedContinuation<Data, any Error>)] = [:]
        var events: [Event] = []
        /// Why the response pipe ended, once it has.
        var ended: String?
        var closed = false
    }

    public static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]

    /// The installed browser, or `NotInstalled`.
    public static func locate() throws -> String {
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw NotInstalled() }
        return path
    }

    /// The browser's process id, also the id of the process group its helpers run in.
    public var pid: pid_t { child.processIdentifier }
    /// Where the browser's standard output and error go.
    public let logFile: URL
    private let commands: Int32
    private let state = Mutex(State())
    /// Serialises writes to the command pipe; true once it is closed (its number may be reused).
    private let commandsClosed = Mutex(false)

    private let child: ChildProcess

    private init(child: ChildProcess, commands: Int32, logFile: URL) {
        self.child = child
        self.commands = commands
        self.logFile = logFile
    }

    /// Starts headless Chromium with a fresh profile in `userDataDirectory` (we run as root in
    /// CI, hence `--no-sandbox`) and a reader for its DevTools pipe.
    public static func launch(userDataDirectory: URL, logFile: URL, arguments extra: [String] = []) throws -> Chromium {
        let executable = try locate()
        try FileManager.default.createDirectory(at: userDataDirectory, withIntermediateDirectories: true)
        // A browser that dies while we write must fail the test, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let (commandRead, commandWrite) = try makePipe()
        let (responseRead, responseWrite) = try makePipe()
        defer {
            _ = Glibc.close(commandRead)
            _ = Glibc.close(responseWrite)
        }
        let arguments = [
            executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--window-size=1280,900",
            "--user-data-dir=\(userDataDirectory.path)", "--remote-debugging-pipe",
        ] + extra + ["about:blank"]
        let child: ChildProcess
        do {
            // Its crash reporter and caches follow XDG, not --user-data-dir: keep them in the
            // profile too, out of the home directory.
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_CONFIG_HOME"] = userDataDirectory.appendingPathComponent("config").path
            environment["XDG_CACHE_HOME"] = userDataDirectory.appendingPathComponent("cache").path
            // The DevTools pipe on fds 3 and 4, nothing else of the test process inherited; no
            // browser left behind by a crashed test run.
            child = try ChildProcess(
                arguments[0], Array(arguments.dropFirst()), environment: environment, output: .file(logFile), errors: .standardOutput,
                descriptors: [3: commandRead, 4: responseWrite], diesWithTestProcess: true)
        } catch {
            _ = Glibc.close(commandWrite)
            _ = Glibc.close(responseRead)
            throw error
        }
        _ = fcntl(commandWrite, F_SETFL, fcntl(commandWrite, F_GETFL) | O_NONBLOCK)
        let browser = Chromium(child: child, commands: commandWrite, logFile: logFile)
        let reader = Thread { browser.readResponses(from: responseRead) }
        reader.name = "chromium-devtools-reader"
        reader.start()
        return browser
    }

    /// Sends one command and returns its `result` object as JSON. Fails with the browser's
    /// error message, or after `timeout` without an answer.
    public func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Duration = .seconds(60)) async throws -> Data {
        var message: [String: Any] = ["method": method, "params": params]
        if let session { message["sessionId"] = session }
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        message["id"] = id
        let bytes = DevToolsPipeFramer.frame(Array(try JSONSerialization.data(withJSONObject: message)))
        return try await withCheckedThrowingContinuation { continuation in
            let ended = state.withLock { state -> String? in
                if let ended = state.ended { return ended }
                state.pending[id] = (method, continuation)
                return nil
            }
            if let ended { return continuation.resume(throwing: ProtocolError("\(method): \(ended)")) }
            if let failure = write(bytes) { return fail(id, ProtocolError("\(method): \(failure)")) }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                fail(id, ProtocolError("\(method): no answer from chromium within \(timeout)"))
            }
        }
    }

    /// `send`, with the result decoded.
    public func send<Result: Decodable>(_ method: String, _ params: [String: Any] = [:], session: String? = nil, as type: Result.Type) async throws -> Result {
        let data = try await send(method, params, session: session)
        return try JSONDecoder().decode(type, from: data)
    }

    /// Every event received so far, in order.
    public var events: [Event] { state.withLock { $0.events } }

    /// Ends the browser and every helper process it started, and waits for them: asks it to
    /// close, then closes its command pipe, then after `grace` kills its process group.
    public func close(grace: Duration = .seconds(3)) {
        let first = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        if let bytes = try? JSONSerialization.data(withJSONObject: ["id": id, "method": "Browser.close"] as [String: Any]) {
            _ = write(DevToolsPipeFramer.frame(Array(bytes)))
        }
        commandsClosed.withLock { closed in
            if !closed { _ = Glibc.close(commands) }
            closed = true
        }
        let deadline = ContinuousClock.now + grace
        while !hasExited(), ContinuousClock.now < deadline { usleep(50_000) }
        // The browser is at most a zombie here, so its process group id cannot have been
        // reused: the kill reaches only the helpers it started.
        child.send(SIGKILL, group: true)
        child.waitUntilExit()
    }

    // MARK: - Pipe I/O

    private func readResponses(from fd: Int32) {
        var framer = DevToolsPipeFramer()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var reason = "chromium closed its DevTools pipe"
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                reason = "reading the DevTools pipe failed: \(String(cString: strerror(errno)))"
                break
            }
            for message in framer.append(buffer[0..<count]) { deliver(message) }
        }
        _ = Glibc.close(fd)
        let waiting = state.withLock { state in
            state.ended = reason
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for (method, continuation) in waiting { continuation.resume(throwing: ProtocolError("\(method): \(reason)")) }
    }

    private func deliver(_ bytes: [UInt8]) {
        guard let message = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return }
        if let id = message["id"] as? Int {
            guard let waiting = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
            if let error = message["error"] as? [String: Any] {
                let text = error["message"] as? String ?? "\(error)"
                waiting.continuation.resume(throwing: ProtocolError("\(waiting.method): \(text)"))
            } else {
                let result = (try? JSONSerialization.data(withJSONObject: message["result"] ?? [String: Any]())) ?? Data("{}".utf8)
                waiting.continuation.resume(returning: result)
            }
        } else if let method = message["method"] as? String {
            let params = (try? JSONSerialization.data(withJSONObject: message["params"] ?? [String: Any]())) ?? Data("{}".utf8)
            let event = Event(method: method, sessionID: message["sessionId"] as? String, params: params)
            state.withLock { $0.events.append(event) }
        }
    }

    private func fail(_ id: Int, _ error: ProtocolError) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.continuation.resume(throwing: error)
    }

    /// Writes one framed message; returns why it could not. The pipe does not block: a browser
    /// that stops reading it fails the write after 30 s rather than holding this lock, which
    /// `close()` needs, for ever.
    private func write(_ bytes: [UInt8]) -> String? {
        commandsClosed.withLock { closed -> String? in
            if closed { return "the browser was closed" }
            let deadline = ContinuousClock.now + .seconds(30)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(commands, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN {
                        guard ContinuousClock.now < deadline else { return "the browser has not read its DevTools pipe for 30 s" }
                        var descriptor = pollfd(fd: commands, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&descriptor, 1, 100)
                        continue
                    }
                    return "writing the DevTools pipe failed: \(String(cString: strerror(errno)))"
                }
                offset += written
            }
            return nil
        }
    }

    // MARK: - Process

    /// Whether the browser has exited, without reaping it.
    private func hasExited() -> Bool { !child.isRunning }

    /// A pipe whose ends are close-on-exec and numbered above 4, so that placing the child's
    /// ends on fds 3 and 4 cannot overwrite one with the other. (Swift's Glibc has no `pipe2`.)
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ProtocolError("pipe: \(String(cString: strerror(errno)))") }
        let moved = fds.map { fcntl($0, F_DUPFD_CLOEXEC, 5) }
        fds.forEach { _ = Glibc.close($0) }
        guard moved.allSatisfy({ $0 >= 0 }) else { throw ProtocolError("fcntl: \(String(cString: strerror(errno)))") }
        return (moved[0], moved[1])
    }
}
