import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The client the sinks use unless given another: AsyncHTTPClient's defaults (TLS verified
    /// against the system's roots) except that a refused or failed connection fails the
    /// request at once, so the forwarder's own back-off, health and metrics see it instead of
    /// the pool retrying silently until the request's deadline. Lives as long as the process.
    public static let sinks: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
