import AsyncHTTPClient
import NIOCore
import NIOSSL
import Synchronization

extension HTTPClient {
    /// The client the sinks use unless given another: AsyncHTTPClient's defaults (TLS verified
    /// against the system's roots) except that a refused or failed connection fails the
    /// request at once, so the forwarder's own back-off, health and metrics see it instead of
    /// the pool retrying silently until the request's deadline, and that a redirect is not
    /// followed: AsyncHTTPClient follows a 301, 302 or 303 with a GET without the body, whose
    /// 200 would count the batch delivered (`HTTPTransport.classify` says where it points).
    /// Lives as long as the process.
    public static let sinks = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: sinkConfiguration())

    /// The configuration of `sinks` and `verifying(caFile:)`.
    static func sinkConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

extension HTTPClient {
    private static let verifyingClients = Mutex<[String: HTTPClient]>([:])

    /// A client like `sinks` that trusts only the certificates in the PEM file `caFile` (a
    /// certificate authority, or a server's own certificate, pinned), the name or address of
    /// the URL checked against the certificate's. One per file, living as long as the process.
    public static func verifying(caFile: String) -> HTTPClient {
        verifyingClients.withLock { clients in
            if let client = clients[caFile] { return client }
            var configuration = sinkConfiguration()
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[caFile] = client
            return client
        }
    }
}
