/// Splits the bytes Chromium writes to its `--remote-debugging-pipe` into messages: each
/// DevTools Protocol message is one JSON text followed by a NUL byte. Pure: the caller reads.
public struct DevToolsPipeFramer: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Takes the bytes of one read and returns the messages it completed, in order.
    public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        for byte in bytes {
            if byte == 0 {
                messages.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return messages
    }

    /// Bytes of a message not yet terminated (a browser that died mid-message leaves some).
    public var unterminatedCount: Int { pending.count }

    /// The bytes to write for one message.
    public static func frame(_ message: [UInt8]) -> [UInt8] { message + [0] }
}
