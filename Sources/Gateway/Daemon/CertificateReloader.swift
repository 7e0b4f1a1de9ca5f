import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the API's certificate and key again on SIGHUP (`systemctl reload footfall`, or a
/// certificate renewal hook): the next handshakes get the new certificate, without a restart.
/// The signal is trapped when the daemon starts (`hangups`), before the API listens: a SIGHUP
/// by default ends a process.
struct CertificateReloader: Service {
    let certificate: APICertificate
    let hangups: UnixSignalsSequence
    let logger: Logger

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                try certificate.reload()
                logger.notice("reloaded the API's certificate", metadata: ["certificate": "\(certificate.settings.certificate)"])
            } catch {
                logger.error("kept the API's certificate in use: \(error)")
            }
        }
    }
}
