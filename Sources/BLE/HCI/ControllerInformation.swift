import NIOCore

/// Return parameters of Read Local Version Information (Vol 4 Part E 7.4.1).
public struct LocalVersionInformation: Sendable, Hashable {
    public var hciVersion: UInt8
    public var hciRevision: UInt16
    public var lmpVersion: UInt8
    public var manufacturer: UInt16
    public var lmpSubversion: UInt16

    public init(hciVersion: UInt8, hciRevision: UInt16, lmpVersion: UInt8, manufacturer: UInt16, lmpSubversion: UInt16) {
        self.hciVersion = hciVersion
        self.hciRevision = hciRevision
        self.lmpVersion = lmpVersion
        self.manufacturer = manufacturer
        self.lmpSubversion = lmpSubversion
    }

    /// Status, HCI_Version, HCI_Subversion, LMP_Version, Company_Identifier, LMP_Subversion.
    public init(returnParameters: ByteBuffer) throws(HCIDecodingError) {
        var reader = PacketReader(returnParameters, base: 5, context: "Read Local Version Information")
        _ = try reader.u8("Status")
        hciVersion = try reader.u8("HCI_Version")
        hciRevision = try reader.u16("HCI_Subversion")
        lmpVersion = try reader.u8("LMP_Version")
        manufacturer = try reader.u16("Company_Identifier")
        lmpSubversion = try reader.u16("LMP_Subversion")
    }

    /// Return parameters as a controller sends them, Status first.
    public var returnParameters: [UInt8] {
        [0, hciVersion] + HCICommand.littleEndian(hciRevision) + [lmpVersion]
            + HCICommand.littleEndian(manufacturer) + HCICommand.littleEndian(lmpSubversion)
    }
}

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
