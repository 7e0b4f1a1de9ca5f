import FootfallCore
import HTTPTypes
import Hummingbird

/// What every answer of the API carries, and who may ask at all.
///
/// - Answers are not to be sniffed as another type, framed by another site's page, cached (they
///   are live positions and counts, some read with `?token=`), or named in a referrer.
/// - An API without tokens listens on loopback only; a page on any web site the gateway's own
///   browser opens could still reach it through a name that resolves to 127.0.0.1 (DNS
///   rebinding). Such a request names that site in its `Host` header, so without tokens only a
///   loopback `Host` is answered.
struct HardeningMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Whether requests must name a loopback host (`api.tokens` empty).
    let loopbackHostOnly: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if loopbackHostOnly, let host = request.head.authority, !Self.isLoopback(authority: host),
           !Self.ownCredentials.contains(request.uri.path)
        {
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            var response = Response(
                status: .misdirectedRequest, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"this API answers requests for 127.0.0.1 or localhost only; give it api.tokens to be reached by another name"}"#)))
            Self.harden(&response)
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && APIServer.methods[Self.routePath(request.uri.path)] != nil {
            // A path the API has, asked with a method it does not take there: which ones it
            // takes (RFC 9110: 405 with Allow; OPTIONS answered with them).
            response = Self.methods(allowed: APIServer.methods[Self.routePath(request.uri.path)]!, asked: request.method)
        } catch let error as any HTTPResponseError {
            // A thrown 4xx (no such route) is answered hardened too.
            response = try error.response(from: request, context: context)
        }
        Self.harden(&response)
        return response
    }

    /// The path as the router matches it: empty segments and a trailing slash do not count
    /// (`/api/layout/` and `//api/layout` are `/api/layout`).
    static func routePath(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }

    /// `204` with `Allow` to an OPTIONS request, `405` with `Allow` to any other.
    static func methods(allowed: [HTTPRequest.Method], asked: HTTPRequest.Method) -> Response {
        var headers = HTTPFields()
        headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        guard asked != .options else { return Response(status: .noContent, headers: headers) }
        headers[.contentType] = "application/json"
        let message = #"{"error":"\#(asked.rawValue) is not taken here; use \#(allowed.map(\.rawValue).joined(separator: " or "))"}"#
        return Response(status: .methodNotAllowed, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    /// Paths that check credentials of their own (a sensor's token, Meraki's secret), which a
    /// rebinding page does not have: answered whatever name a proxy in front passes on.
    static var ownCredentials: Set<String> { ["/api/observations", "/api/meraki"] }

    static func harden(_ response: inout Response) {
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.contentSecurityPolicy] = "frame-ancestors 'none'"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    }

    /// `127.0.0.1`, `localhost`, `[::1]`, with or without a port (`APISettings.isLoopback`).
    static func isLoopback(authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            host = host.prefix { $0 != "]" } + "]"
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return StoreConfiguration.APISettings.isLoopback(String(host))
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
