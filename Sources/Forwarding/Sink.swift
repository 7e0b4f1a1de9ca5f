import Foundation
import Storage

/// One destination with its own cursor in the outbox: how events are encoded for it, how a
/// batch reaches it, and how big a batch may be.
public struct Sink: Sendable {
    /// The cursor's key in the outbox; stable across restarts.
    public var name: String
    public var encoder: any EventEncoder
    public var transport: any SinkTransport
    public var batching: Batching

    public init(name: String, encoder: any EventEncoder, transport: any SinkTransport, batching: Batching) {
        self.name = name
        self.encoder = encoder
        self.transport = transport
        self.batching = batching
    }
}

/// Batch limits by count, size and time.
public struct Batching: Hashable, Sendable {
    public var maxEvents: Int
    public var maxBytes: Int
    /// An event whose encoding is larger goes to the dead letters instead of blocking the queue.
    public var maxEventBytes: Int
    /// How long a partial batch may wait for more events; zero sends at once (batches still
    /// form while a request is in flight, since only one is).
    public var flushInterval: Duration

    public init(maxEvents: Int = 500, maxBytes: Int = 1_000_000, maxEventBytes: Int = 256_000, flushInterval: Duration = .zero) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.maxEventBytes = maxEventBytes
        self.flushInterval = flushInterval
    }
}

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

/// Sends one encoded batch and says what happened. Never throws: every failure is an outcome.
public protocol SinkTransport: Sendable {
    func send(_ body: [UInt8], contentType: String) async -> DeliveryOutcome
}

/// What became of one batch.
public enum DeliveryOutcome: Hashable, Sendable {
    case delivered
    /// Worth trying again: a network error, a timeout, 5xx, 408 or 429. `after` is the
    /// receiver's Retry-After, when it gave one.
    case retry(reason: String, after: Duration?)
    /// The receiver refused the batch for good (4xx other than 408 and 429).
    case rejected(DeadLetterReason)
}
