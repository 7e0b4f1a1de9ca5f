import FootfallCore
import NIOSSL
import Synchronization

/// The API's certificate chain and private key (`api.tls`), read from their PEM files at start
/// and again on SIGHUP (`reload()`): certificates are renewed, and the daemon serves the new
/// one from the next handshake on without a restart. A pair that cannot be read, or a key that
/// does not match its certificate, is refused and the one in use is kept.
public final class APICertificate: Sendable {
    public let settings: StoreConfiguration.APISettings.TLSSettings
    let file: String
    private let current: Mutex<Pair>

    struct Pair: @unchecked Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    /// Reads the pair; `file` is the store file, for messages.
    public init(_ settings: StoreConfiguration.APISettings.TLSSettings, file: String) throws {
        self.settings = settings
        self.file = file
        current = Mutex(try Self.load(settings, file: file))
    }

    /// Reads the files again and serves the new pair from the next handshake on.
    public func reload() throws {
        let pair = try Self.load(settings, file: file)
        current.withLock { $0 = pair }
    }

    /// The server's TLS configuration: the pair read last, looked up at every handshake.
    static let cipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    public var serverConfiguration: TLSConfiguration {
        let pair = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) }, privateKey: .privateKey(pair.key))
        configuration.minimumTLSVersion = .tlsv12
        // TLS 1.2 with forward secrecy and an AEAD only: no static-RSA key exchange, no CBC
        // with SHA-1 (TLS 1.3's suites are all of that kind already).
        configuration.cipherSuites = Self.cipherSuites
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }

    static func load(_ settings: StoreConfiguration.APISettings.TLSSettings, file: String) throws -> Pair {
        func refuse(_ field: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, line: nil, field: "api.tls.\(field)", message: message)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(settings.certificate)
        } catch {
            throw refuse("certificate", "\(settings.certificate) cannot be read as PEM certificates (\(error)); give the certificate chain, the server's first")
        }
        guard !chain.isEmpty else { throw refuse("certificate", "\(settings.certificate) holds no certificate; give the PEM certificate chain") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: settings.key, format: .pem)
        } catch {
            throw refuse("key", "\(settings.key) cannot be read as a PEM private key (\(error)); give the certificate's unencrypted key")
        }
        // A context made from the pair checks that the key is the certificate's.
        do {
            _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw refuse("key", "\(settings.key) is not the key of \(settings.certificate) (\(error)); give the pair issued together")
        }
        return Pair(chain: chain, key: key)
    }
}
