import Storage

/// Turns outbox entries into one request body. Pure: no I/O, no clock.
public protocol EventEncoder: Sendable {
    /// The encoding of one event inside a batch.
    func item(for entry: OutboxEntry) -> [UInt8]
    /// Bytes the envelope adds around the items (for the size limit), separators included.
    func envelopeBytes(itemCount: Int) -> Int
    /// The request body for these items; `sentAt` is wall-clock seconds.
    func body(items: [[UInt8]], sentAt: Double) -> [UInt8]
    var contentType: String { get }
}
