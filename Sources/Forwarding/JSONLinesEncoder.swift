import Storage

/// One event a line, exactly `PresenceEvent.jsonLine()`.
public struct JSONLinesEncoder: EventEncoder {
    public init() {}

    public var contentType: String { "application/x-ndjson" }

    public func item(for entry: OutboxEntry) -> [UInt8] { Array((entry.body + "\n").utf8) }

    public func envelopeBytes(itemCount: Int) -> Int { 0 }

    public func body(items: [[UInt8]], sentAt: Double) -> [UInt8] { items.flatMap { $0 } }
}
