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
