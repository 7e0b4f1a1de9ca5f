import NIOCore

/// Supported_Commands of Read Local Supported Commands (7.4.2): 64 octets of bits.
public struct SupportedCommands: Sendable, Hashable {
    public var octets: [UInt8]

    public init(octets: [UInt8]) { self.octets = octets }

    public init(returnParameters: ByteBuffer) throws(HCIDecodingError) {
        var reader = PacketReader(returnParameters, base: 5, context: "Read Local Supported Commands")
        _ = try reader.u8("Status")
        octets = Array(try reader.bytes(64, "Supported_Commands").readableBytesView)
    }

    public func supports(octet: Int, bit: Int) -> Bool {
        octet < octets.count && octets[octet] & (1 << bit) != 0
    }

    /// Octet 37 bits 5 and 6: LE Set Extended Scan Parameters and LE Set Extended Scan Enable.
    public var supportsExtendedScanning: Bool { supports(octet: 37, bit: 5) && supports(octet: 37, bit: 6) }
}
