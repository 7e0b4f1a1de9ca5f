import Storage

/// A sink transport that sends each event on its own rather than one body per batch: a
/// broker's messages, one topic per event.
public protocol PerEventTransport: SinkTransport {
    /// Sends `items[i]`, the encoding of `entries[i]`, each as a message of its own; delivered
    /// only when every one was acknowledged.
    func send(items: [[UInt8]], of entries: [OutboxEntry]) async -> DeliveryOutcome
}
