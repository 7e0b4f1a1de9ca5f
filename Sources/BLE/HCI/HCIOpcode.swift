/// A command opcode: OGF in the top 6 bits, OCF in the low 10 (Vol 4 Part E 5.4.1).
public struct HCIOpcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(ogf: UInt8, ocf: UInt16) { self.rawValue = UInt16(ogf) << 10 | (ocf & 0x3FF) }

    public var ogf: UInt8 { UInt8(rawValue >> 10) }
    public var ocf: UInt16 { rawValue & 0x3FF }

    public static let reset = HCIOpcode(ogf: 0x03, ocf: 0x0003)
    public static let setEventMask = HCIOpcode(ogf: 0x03, ocf: 0x0001)
    public static let readLocalVersionInformation = HCIOpcode(ogf: 0x04, ocf: 0x0001)
    public static let readLocalSupportedCommands = HCIOpcode(ogf: 0x04, ocf: 0x0002)
    public static let readBDADDR = HCIOpcode(ogf: 0x04, ocf: 0x0009)
    public static let leSetEventMask = HCIOpcode(ogf: 0x08, ocf: 0x0001)
    public static let leReadLocalSupportedFeatures = HCIOpcode(ogf: 0x08, ocf: 0x0003)
    public static let leSetScanParameters = HCIOpcode(ogf: 0x08, ocf: 0x000B)
    public static let leSetScanEnable = HCIOpcode(ogf: 0x08, ocf: 0x000C)
    public static let leSetExtendedScanParameters = HCIOpcode(ogf: 0x08, ocf: 0x0041)
    public static let leSetExtendedScanEnable = HCIOpcode(ogf: 0x08, ocf: 0x0042)

    static let names: [UInt16: String] = [
        reset.rawValue: "Reset",
        setEventMask.rawValue: "Set Event Mask",
        readLocalVersionInformation.rawValue: "Read Local Version Information",
        readLocalSupportedCommands.rawValue: "Read Local Supported Commands",
        readBDADDR.rawValue: "Read BD_ADDR",
        leSetEventMask.rawValue: "LE Set Event Mask",
        leReadLocalSupportedFeatures.rawValue: "LE Read Local Supported Features",
        leSetScanParameters.rawValue: "LE Set Scan Parameters",
        leSetScanEnable.rawValue: "LE Set Scan Enable",
        leSetExtendedScanParameters.rawValue: "LE Set Extended Scan Parameters",
        leSetExtendedScanEnable.rawValue: "LE Set Extended Scan Enable",
    ]

    public var name: String { Self.names[rawValue] ?? "Command 0x\(String(rawValue, radix: 16))" }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return "\(name) (0x\(String(repeating: "0", count: 4 - hex.count))\(hex))"
    }
}
