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
