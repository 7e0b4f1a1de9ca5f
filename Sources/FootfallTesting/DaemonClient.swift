import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Talks to a running `footfall run` over its real HTTP API on 127.0.0.1.
public struct DaemonClient: Sendable {
    public let port: Int
    public let token: String?

    /// Waits for the daemon to log the address its API listens on (it may ask for port 0). The
    /// wait is for that line, so `timeout` only matters when it never comes; a daemon starting
    /// beside a loaded full test run takes a while.
    public init(_ daemon: FootfallProcess.Running, token: String?, timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let port = Self.apiPort(in: daemon.log) {
                self.port = port
                self.token = token
                return
            }
            guard daemon.isRunning, ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DaemonClientError("the daemon did not report its API address:\n\(daemon.log)")
    }

    /// A client of a daemon whose port is known, with another token (or none).
    public init(port: Int, token: String?) {
        self.port = port
        self.token = token
    }

    /// The port of the API's own "listening on 127.0.0.1:<port>" line: other lines name other
    /// local addresses first (an MQTT source's broker, `mqtt://127.0.0.1:1883`).
    static func apiPort(in log: String) -> Int? {
        guard let match = log.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)\s/), let port = Int(match.1), port > 0 else { return nil }
        return port
    }

    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        /// The body as a JSON object (nil when it is not one).
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }
    }

    public func get(_ path: String) async throws -> Answer {
        try await request(path, method: .GET, body: nil)
    }

    public func post(_ path: String, body: String) async throws -> Answer {
        try await request(path, method: .POST, body: body)
    }

    private func request(_ path: String, method: HTTPMethod, body: String?) async throws -> Answer {
        // A pooled keep-alive connection that the daemon closes just as the client reuses it
        // fails the request before it reaches the daemon ("I/O on closed channel"); a GET
        // changes nothing, so it is sent again on a new connection.
        var attempt = 1
        while true {
            do {
                return try await send(path, method: method, body: body)
            } catch let error where method == .GET && attempt < 3 && Self.closedBeforeAnswer(error) {
                attempt += 1
            }
        }
    }

    /// Whether `error` is a connection closed under the request, before any answer.
    static func closedBeforeAnswer(_ error: any Error) -> Bool {
        if let error = error as? ChannelError, error == .ioOnClosedChannel { return true }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed { return true }
        return false
    }

    private func send(_ path: String, method: HTTPMethod, body: String?) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: bytes))
    }

    /// Polls `/api/status` until `condition` holds for it or `timeout` passes; returns the last
    /// status seen either way.
    public func status(
        within timeout: Duration, until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            if let status = try? await get("/api/status").json {
                last = status
                if condition(status) { return status }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return last
    }
}

public struct DaemonClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
