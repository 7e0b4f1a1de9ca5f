import FootfallCore
import Hummingbird

/// Guards the API with the configuration's bearer tokens. Browsers' EventSource cannot set
/// headers, so `?token=` is accepted as well. Wrong or missing token: 401, never data.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !tokens.isEmpty else { return try await next(request, context) }
        if let header = request.headers[.authorization], let token = BearerToken.credential(header), SecretComparison.isOne(of: tokens, token) {
            return try await next(request, context)
        }
        if let token = request.uri.queryParameters.get("token"), SecretComparison.isOne(of: tokens, token) {
            return try await next(request, context)
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer realm=\"footfall\""
        headers[.contentType] = "application/json"
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"a valid bearer token is required"}"#)))
    }
}

enum BearerToken {
    /// The token of an `Authorization` header of the Bearer scheme, or nil: the scheme's name in
    /// any case, then spaces (RFC 9110, 11.1; RFC 6750, 2.1).
    static func credential(_ header: String) -> Substring? {
        guard header.count > 7, header.prefix(6).lowercased() == "bearer", header.dropFirst(6).first == " " else { return nil }
        let token = header.dropFirst(6).drop { $0 == " " }
        return token.isEmpty ? nil : token
    }
}
