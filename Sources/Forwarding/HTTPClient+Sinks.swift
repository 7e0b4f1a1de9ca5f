import AsyncHTTPClient
import NIOCore
import NIOSSL
import Synchronization

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

extension HTTPClient {
    private static let verifyingClients = Mutex<[String: HTTPClient]>([:])

    /// A client like `sinks` that trusts only the certificates in the PEM file `caFile` (a
    /// certificate authority, or a server's own certificate, pinned), the name or address of
    /// the URL checked against the certificate's. One per file, living as long as the process.
    public static func verifying(caFile: String) -> HTTPClient {
        verifyingClients.withLock { clients in
            if let client = clients[caFile] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout.connect = .seconds(5)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[caFile] = client
            return client
        }
    }
}
