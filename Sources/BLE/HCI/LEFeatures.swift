import NIOCore

/// LE_Features of LE Read Local Supported Features (7.8.3; bits in Vol 6 Part B 4.6).
public struct LEFeatures: Sendable, Hashable {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(returnParameters: ByteBuffer) throws(HCIDecodingError) {
        var reader = PacketReader(returnParameters, base: 5, context: "LE Read Local Supported Features")
        _ = try reader.u8("Status")
        let bytes = try reader.bytes(8, "LE_Features")
        rawValue = bytes.getInteger(at: bytes.readerIndex, endianness: .little, as: UInt64.self)!
    }

    /// Bit 12: LE Extended Advertising.
    public var extendedAdvertising: Bool { rawValue & (1 << 12) != 0 }
}
