import Foundation

/// A self-signed certificate for 127.0.0.1 and its key, made by Debian's `openssl` for a test
/// (the Makefile's test packages install it): real TLS, no certificate kept in the repository.
public struct TestCertificate: Sendable {
    public let certificate: String
    public let key: String

    /// Writes `<name>.crt` and `<name>.key` (PEM, P-256) into `directory`, for 127.0.0.1 and
    /// `address` if another (a broker on a loopback address of its own).
    public static func make(_ name: String, in directory: URL, address: String = "127.0.0.1") throws -> TestCertificate {
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        let errors = directory.appendingPathComponent("\(name).openssl.log")
        defer { try? FileManager.default.removeItem(at: errors) }
        let openssl = try ChildProcess("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=footfall test \(name)", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost" + (address == "127.0.0.1" ? "" : ",IP:\(address)"),
            "-keyout", key, "-out", certificate,
        ], errors: .file(errors))
        guard openssl.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw DaemonClientError("openssl could not make a certificate (install Debian's openssl): \(message)")
        }
        return TestCertificate(certificate: certificate, key: key)
    }
}
