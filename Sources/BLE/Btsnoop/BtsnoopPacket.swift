import NIOCore

/// An HCI packet found in a btsnoop record.
public struct BtsnoopPacket: Sendable, Hashable {
    public var record: BtsnoopRecord
    public var direction: HCIDirection
    public var type: H4PacketType
    /// The HCI packet without a type byte.
    public var packet: ByteBuffer
    /// Monitor format only: the adapter (hciN).
    public var adapterIndex: UInt16?

    public var time: Double { record.time }
}
