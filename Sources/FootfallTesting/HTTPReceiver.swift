import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 for tests of the sinks: it records every request and
/// answers with whatever `respond` says, so a test can play a receiver that is down, slow to
/// forgive (429, 503), or refusing (400).
public final class HTTPReceiver: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Wall-clock seconds when the request was complete.
        public var receivedAt: Double
        public var monotonic: ContinuousClock.Instant
        /// The status the receiver answered with.
        public var responseStatus: Int = 0

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String
        /// Sends the head (with the body's length) and then nothing more: a receiver that stalls.
        public var withholdBody: Bool
        public init(status: Int = 200, headers: [(String, String)] = [], body: String = "", withholdBody: Bool = false) {
            self.status = status
            self.headers = headers
            self.body = body
            self.withholdBody = withholdBody
        }
        public static let ok = Response(status: 200, body: "{\"success\":true}")
    }

    public typealias Responder = @Sendable (Request) -> Response

    struct State {
        var requests: [Request] = []
        var responder: Responder
    }

    public let host: String
    public let port: Int
    private let box: StateBox
    private let channel: Mutex<(any Channel)?>

    public var url: String { "http://\(host):\(port)" }

    private init(host: String, port: Int, channel: any Channel, box: StateBox) {
        self.host = host
        self.port = port
        self.channel = Mutex(channel)
        self.box = box
    }

    /// Starts listening on `host` (a loopback address) and `port` (0 picks a free one). A test
    /// that stops a receiver and starts it again on the same port uses a loopback address of
    /// its own, such as 127.0.0.2, so no other test's receiver can take the port meanwhile.
    public static func start(host: String = "127.0.0.1", port: Int = 0, respond: @escaping Responder = { _ in .ok }) async throws -> HTTPReceiver {
        let box = StateBox(State(responder: respond))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ReceiverHandler(box: box))
                }
            }
            .bind(host: host, port: port).get()
        return HTTPReceiver(host: host, port: channel.localAddress?.port ?? port, channel: channel, box: box)
    }

    public func setResponder(_ respond: @escaping Responder) {
        box.state.withLock { $0.responder = respond }
    }

    public var requests: [Request] { box.state.withLock { $0.requests } }

    /// Stops listening and closes the open connections' listener (the port can be bound again).
    public func stop() async throws {
        let channel = self.channel.withLock { channel -> (any Channel)? in
            defer { channel = nil }
            return channel
        }
        try await channel?.close()
    }

    /// Polls until `condition` holds over the requests, or `timeout` passes; returns whether it held.
    /// A wait that holds costs nothing, so the default is generous: a loaded full test run can
    /// hold a request or its answer back for a minute.
    public func wait(timeout: Duration = .seconds(300), until condition: ([Request]) -> Bool) async -> Bool {
        await waitUntil(timeout: timeout, every: .milliseconds(2)) { condition(requests) }
    }

}

/// Shared between the bootstrap's initializer and the receiver it returns.
private final class StateBox: Sendable {
    let state: Mutex<HTTPReceiver.State>
    init(_ state: HTTPReceiver.State) { self.state = Mutex(state) }

    func handle(_ request: HTTPReceiver.Request) -> HTTPReceiver.Response {
        state.withLock { state in
            let response = state.responder(request)
            var request = request
            request.responseStatus = response.status
            state.requests.append(request)
            return response
        }
    }
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: StateBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(box: StateBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let request = HTTPReceiver.Request(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body,
                receivedAt: Date().timeIntervalSince1970, monotonic: .now)
            let response = box.handle(request)
            var headers = HTTPHeaders(response.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.utf8.count))
            headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            let responseHead = HTTPResponseHead(
                version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
            self.head = nil
            body = []
            if response.withholdBody {
                context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: nil)
                return
            }
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
            let keepAlive = head.isKeepAlive
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
    }
}
