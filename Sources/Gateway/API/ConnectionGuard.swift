import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Keeps a slow, stalled or refused client from holding a connection (issue #16), per
/// connection, between the HTTP codec and the server:
/// - the request's headers must be in within `headerTimeout` of the connection opening or of
///   the previous response's end (a slow-header client is dropped);
/// - its whole body within `bodyTimeout` of its headers (a body that never ends is dropped);
/// - a response sent before the request's body was read (a 401 before a large body, a 413)
///   says `Connection: close` and closes the connection instead of reading the rest;
/// - on shutdown, a connection waiting for a request or still reading one is closed at once
///   (a response in progress, the live stream, ends on its own);
/// - a connection beyond `api.max_connections_per_address` from one address is closed as it
///   opens, so one host cannot hold every connection the API serves.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum State {
        case awaitingHead
        case readingBody
        /// The request is read; its response is being written.
        case responding
    }

    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let byAddress: Admissions?
    let logger: Logger
    /// The address this connection is counted under, once admitted.
    private var counted: String?
    private var state = State.awaitingHead
    /// The current request's body was read to its end.
    private var requestEnded = false
    private var closeAfterResponse = false
    private var deadline: Scheduled<Void>?

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount, byAddress: Admissions? = nil, logger: Logger) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.byAddress = byAddress
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            guard admit(context) else { return }
            arm(context, headerTimeout, "headers")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        release()
    }

    func channelActive(context: ChannelHandlerContext) {
        guard admit(context) else { return }
        if deadline == nil, state == .awaitingHead { arm(context, headerTimeout, "headers") }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        release()
        context.fireChannelInactive()
    }

    /// Counts the connection under its peer's address, or closes it when that address has its
    /// share already; false when closed.
    private func admit(_ context: ChannelHandlerContext) -> Bool {
        guard counted == nil, let byAddress, let address = context.channel.remoteAddress?.ipAddress else { return true }
        guard byAddress.enter(address) else {
            logger.debug("closing a connection over the per-address limit", metadata: ["peer": "\(address)", "limit": "\(byAddress.most)"])
            context.close(promise: nil)
            return false
        }
        counted = address
        return true
    }

    private func release() {
        if let counted { byAddress?.leave(counted) }
        counted = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            state = .readingBody
            requestEnded = false
            arm(context, bodyTimeout, "body")
        case .body:
            break
        case .end:
            requestEnded = true
            if state == .readingBody {
                state = .responding
                disarm()
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where !requestEnded:
            // Answered before the body was read: the rest of it is not read either.
            closeAfterResponse = true
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .head, .body:
            context.write(data, promise: promise)
        case .end:
            if closeAfterResponse {
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
                return
            }
            context.write(data, promise: promise)
            state = .awaitingHead
            arm(context, headerTimeout, "headers")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, state != .responding {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount, _ part: String) {
        disarm()
        let logger = self.logger
        deadline = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: timeout) {
            logger.debug("closing a connection whose request \(part) did not arrive in time", metadata: [
                "peer": "\(context.channel.remoteAddress?.description ?? "")", "timeout_ms": "\(timeout.nanoseconds / 1_000_000)",
            ])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
