import Storage

/// The event's own JSON line (docs/events.md), one message each.
public struct MQTTEventEncoder: EventEncoder {
    public init() {}

    public var contentType: String { "application/json" }

    public func item(for entry: OutboxEntry) -> [UInt8] { Array(entry.body.utf8) }

    public func envelopeBytes(itemCount: Int) -> Int { 0 }

    public func body(items: [[UInt8]], sentAt: Double) -> [UInt8] { Array(items.joined(separator: [0x0A])) }
}
