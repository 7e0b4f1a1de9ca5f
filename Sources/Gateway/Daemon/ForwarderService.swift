import Forwarding
import ServiceLifecycle

/// The forwarder as a service: it delivers until shutdown, then flushes what it can.
struct ForwarderService: Service {
    let forwarder: Forwarder
    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await forwarder.run()
        }
    }
}
