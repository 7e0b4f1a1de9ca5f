import NIOCore

/// One HCI packet framed by H4: its type and the packet without the type byte.
public struct H4Packet: Sendable, Hashable {
    public var type: H4PacketType
    public var packet: ByteBuffer

    public init(type: H4PacketType, packet: ByteBuffer) {
        self.type = type
        self.packet = packet
    }

    /// The bytes as on the wire, type byte first.
    public var bytes: [UInt8] { [type.rawValue] + Array(packet.readableBytesView) }
}
