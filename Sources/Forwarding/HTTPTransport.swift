import AsyncHTTPClient
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
        do {
            let milliseconds = options.timeout.components.seconds * 1000 + options.timeout.components.attoseconds / 1_000_000_000_000_000
            let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
            var kept = ByteBuffer()
            for try await chunk in response.body where kept.readableBytes < Self.keptResponseBytes {
                var chunk = chunk
                kept.writeBuffer(&chunk)
            }
            let text = String(buffer: kept).prefix(Self.keptResponseBytes)
            return Self.classify(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                body: String(text), now: now())
        } catch {
            return .retry(reason: "\(options.url): \(Self.describe(error))", after: nil)
        }
    }

    /// 2xx delivered; 408, 429, 5xx retried (Retry-After honoured for 429 and 503); other
    /// statuses refused for good, with the response kept.
    public static func classify(status: Int, retryAfter: String?, body: String, now: Double) -> DeliveryOutcome {
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            let after = (status == 429 || status == 503) ? retryAfter.flatMap { RetryAfter.parse($0, now: now) } : nil
            let snippet = body.isEmpty ? "" : ": " + body.prefix(200).replacingOccurrences(of: "\n", with: " ")
            return .retry(reason: "HTTP \(status)\(snippet)", after: after)
        default:
            return .rejected(DeadLetterReason(reason: "the receiver refused the batch with HTTP \(status)", responseStatus: status, responseBody: body))
        }
    }

    /// An HTTP client's failure in one clause: a system call's error as the system words it
    /// ("Connection refused"), not NIO's "connection reset (error set): Connection refused
    /// (errno: 111)", whose reason names the path it took rather than what happened.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return String(describing: error)
    }
}
