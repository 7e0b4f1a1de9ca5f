/// Sends one encoded batch and says what happened. Never throws: every failure is an outcome.
public protocol SinkTransport: Sendable {
    func send(_ body: [UInt8], contentType: String) async -> DeliveryOutcome
}
