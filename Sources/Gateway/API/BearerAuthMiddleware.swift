import FootfallCore
import Hummingbird

/// Guards the API with the configuration's bearer tokens. Browsers' EventSource cannot set
/// headers, so `?token=` is accepted as well. Wrong or missing token: 401, never data.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !tokens.isEmpty else { return try await next(request, context) }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "), SecretComparison.isOne(of: tokens, header.dropFirst(7)) {
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
