import Foundation

/// A self-signed certificate for 127.0.0.1 and its key, made by Debian's `openssl` for a test
/// (the Makefile's test packages install it): real TLS, no certificate kept in the repository.
public struct TestCertificate: Sendable {
    public let certificate: String
    public let key: String

    /// Writes `<name>.crt` and `<name>.key` (PEM, P-256) into `directory`.
    public static func make(_ name: String, in directory: URL) throws -> TestCertificate {
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=footfall test \(name)", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", key, "-out", certificate,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DaemonClientError("openssl could not make a certificate (install Debian's openssl): \(String(decoding: message, as: UTF8.self))")
        }
        return TestCertificate(certificate: certificate, key: key)
    }
}
