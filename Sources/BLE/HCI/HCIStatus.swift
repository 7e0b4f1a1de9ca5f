import NIOCore

/// An HCI error code (Vol 1 Part F).
public struct HCIStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let success = HCIStatus(rawValue: 0x00)
    public static let unknownCommand = HCIStatus(rawValue: 0x01)
    public static let commandDisallowed = HCIStatus(rawValue: 0x0C)
    public static let invalidParameters = HCIStatus(rawValue: 0x12)
    public static let unsupportedFeature = HCIStatus(rawValue: 0x11)

    public var isSuccess: Bool { rawValue == 0 }

    public var description: String {
        let name: String
        switch rawValue {
        case 0x00: name = "Success"
        case 0x01: name = "Unknown HCI Command"
        case 0x03: name = "Hardware Failure"
        case 0x0C: name = "Command Disallowed"
        case 0x11: name = "Unsupported Feature or Parameter Value"
        case 0x12: name = "Invalid HCI Command Parameters"
        case 0x1F: name = "Unspecified Error"
        default: name = "error"
        }
        return "\(name) (0x\(rawValue < 16 ? "0" : "")\(String(rawValue, radix: 16)))"
    }
}
