import AsyncHTTPClient
import FootfallCore
import Foundation
import NIOCore
import NIOHTTP1
import Storage

/// POSTs each batch to a URL with AsyncHTTPClient (TLS verified by its default configuration),
/// with optional basic auth, bearer token and signature, and classifies the response.
public struct HTTPTransport: SinkTransport {
    public struct Options: Sendable {
        public var url: String
        /// Basic auth user name with an empty password (Segment's write key).
        public var basicAuthUser: String?
        public var bearerToken: String?
        public var hmacSecret: String?
        public var timeout: Duration
        /// What sets `timeout`, for the message when it passes.
        public var timeoutSetting = "the sink's timeout_ms"
        public init(url: String, basicAuthUser: String? = nil, bearerToken: String? = nil, hmacSecret: String? = nil, timeout: Duration = .seconds(10)) {
            self.url = url
            self.basicAuthUser = basicAuthUser
            self.bearerToken = bearerToken
            self.hmacSecret = hmacSecret
            self.timeout = timeout
        }
    }

    /// Bytes of a refusing response kept in the dead letter.
    static let keptResponseBytes = 16 * 1024

    public let options: Options
    let client: HTTPClient
    let now: @Sendable () -> Double

    public init(options: Options, client: HTTPClient = .sinks, now: @escaping @Sendable () -> Double) {
        self.options = options
        self.client = client
        self.now = now
    }

    public func send(_ body: [UInt8], contentType: String) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: options.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: "footfall")
        if let user = options.basicAuthUser {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):".utf8).base64EncodedString())
        } else if let token = options.bearerToken {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let secret = options.hmacSecret {
            let header = RequestSignature.header(body: body, secret: secret, timestamp: Int(now()))
            request.headers.add(name: RequestSignature.headerName, value: header)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let (client, timeout, prepared) = (client, options.timeout, request)
        do {
            // The whole exchange within the timeout, the response's body too: AsyncHTTPClient's
            // own timeout ends at the response's head, and a receiver that sends its head and
            // then stalls would hold the sink (and the daemon's shutdown) for as long as it likes.
            let answer = try await TimeLimit.run(within: timeout) { () async throws -> Answer in
                let response = try await client.execute(prepared, timeout: .milliseconds(Self.milliseconds(timeout)))
                var kept = ByteBuffer()
                for try await chunk in response.body {
                    var chunk = chunk
                    kept.writeBuffer(&chunk)
                    if kept.readableBytes >= Self.keptResponseBytes { break }
                }
                return Answer(
                    status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                    location: response.headers.first(name: "Location"), body: String(String(buffer: kept).prefix(Self.keptResponseBytes)))
            }
            return Self.classify(status: answer.status, retryAfter: answer.retryAfter, body: answer.body, now: now(), location: answer.location)
        } catch let error where error is TimeLimit.Exceeded || (error as? HTTPClientError) == .deadlineExceeded {
            // AsyncHTTPClient's own deadline (the same timeout) may pass first: the same answer.
            return .retry(reason: "\(URLRedaction.shown(options.url)): no whole answer within \(Self.milliseconds(timeout)) ms (\(options.timeoutSetting))", after: nil)
        } catch {
            return .retry(reason: "\(URLRedaction.shown(options.url)): \(Self.describe(error))", after: nil)
        }
    }

    /// What of a response the classification reads.
    struct Answer: Sendable {
        var status: Int
        var retryAfter: String?
        var location: String?
        var body: String
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// 2xx delivered; 408, 429, 5xx retried (Retry-After honoured for 429 and 503, when it
    /// asks for a wait at all). A redirect (not followed: AsyncHTTPClient would turn the POST
    /// into a GET without its body) and 401, 403, 404, 405, 407 and 410 say the sink's url or
    /// credentials are wrong for every batch, not that this batch is: retried, so the events
    /// wait in the outbox, the sink shows failing, and they go once the store file is fixed.
    /// Any other status refuses the batch for good, with the response kept.
    public static func classify(status: Int, retryAfter: String?, body: String, now: Double, location: String? = nil) -> DeliveryOutcome {
        // Shown in logs and the status: any address an echoing receiver put in it masked.
        // (Masked before it is cut: an address cut in two would no longer look like one.)
        let snippet = body.isEmpty ? "" : ": " + AddressRedaction.redacted(body).prefix(200).replacingOccurrences(of: "\n", with: " ")
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            let asked = (status == 429 || status == 503) ? retryAfter.flatMap { RetryAfter.parse($0, now: now) } : nil
            // "Retry-After: 0" or a date past: the back-off's own wait, not none.
            let after = asked.flatMap { $0 > .zero ? $0 : nil }
            return .retry(reason: "HTTP \(status)\(snippet)", after: after)
        case 300..<400:
            let target = location.map { " to \(URLRedaction.shown($0).prefix(200))" } ?? ""
            return .retry(reason: "HTTP \(status): the receiver redirects\(target); set the url (a sink's, or upstream.url) to where it now is", after: nil)
        case 401, 403, 407:
            return .retry(reason: "HTTP \(status)\(snippet); check the credentials (a sink's write_key or token, upstream.tokens)", after: nil)
        case 404, 405, 410:
            return .retry(reason: "HTTP \(status)\(snippet); check the url (a sink's, or upstream.url)", after: nil)
        default:
            return .rejected(DeadLetterReason(reason: "the receiver refused the batch with HTTP \(status)", responseStatus: status, responseBody: body))
        }
    }

    /// An HTTP client's failure in one clause: a system call's error as the system words it
    /// ("Connection refused"), not NIO's "connection reset (error set): Connection refused
    /// (errno: 111)", whose reason names the path it took rather than what happened.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        if let error = error as? IOError {
            let reason = String(cString: strerror(error.errnoCode))
            if error.errnoCode == EMFILE || error.errnoCode == ENFILE {
                return reason + "; the gateway is out of open files: raise LimitNOFILE, or lower api.max_connections"
            }
            return reason
        }
        return String(describing: error)
    }
}
