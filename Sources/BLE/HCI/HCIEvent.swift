import NIOCore

/// A decoded HCI event packet (Vol 4 Part E 7.7).
public enum HCIEvent: Sendable, Hashable {
    case commandComplete(CommandComplete)
    case commandStatus(CommandStatus)
    /// Hardware_Code: vendor specific; the controller needs a reset.
    case hardwareError(code: UInt8)
    case leMeta(LEMetaEvent)
    /// An event this decoder has no entry for; kept, never rejected.
    case unknown(code: UInt8, parameters: ByteBuffer)

    /// Event codes (Vol 4 Part E 7.7).
    public enum Code {
        public static let commandComplete: UInt8 = 0x0E
        public static let commandStatus: UInt8 = 0x0F
        public static let hardwareError: UInt8 = 0x10
        public static let leMeta: UInt8 = 0x3E
    }
}

/// Command Complete (0x0E).
public struct CommandComplete: Sendable, Hashable {
    public var numHCICommandPackets: UInt8
    public var opcode: HCIOpcode
    /// Return parameters; for every command this codec sends, the first byte is Status.
    public var returnParameters: ByteBuffer

    public init(numHCICommandPackets: UInt8, opcode: HCIOpcode, returnParameters: ByteBuffer) {
        self.numHCICommandPackets = numHCICommandPackets
        self.opcode = opcode
        self.returnParameters = returnParameters
    }

    /// The Status return parameter, or nil when there are no return parameters.
    public var status: HCIStatus? {
        returnParameters.getInteger(at: returnParameters.readerIndex, as: UInt8.self).map(HCIStatus.init(rawValue:))
    }
}

/// Command Status (0x0F).
public struct CommandStatus: Sendable, Hashable {
    public var status: HCIStatus
    public var numHCICommandPackets: UInt8
    public var opcode: HCIOpcode

    public init(status: HCIStatus, numHCICommandPackets: UInt8, opcode: HCIOpcode) {
        self.status = status
        self.numHCICommandPackets = numHCICommandPackets
        self.opcode = opcode
    }
}

/// LE Meta event (0x3E) sub-events this codec decodes.
public enum LEMetaEvent: Sendable, Hashable {
    case advertisingReports([LEAdvertisingReport])
    case directedAdvertisingReports([LEAdvertisingReport])
    case extendedAdvertisingReports([LEAdvertisingReport])
    case unknown(subevent: UInt8, parameters: ByteBuffer)

    /// Subevent codes (Vol 4 Part E 7.7.65).
    public enum Subevent {
        public static let advertisingReport: UInt8 = 0x02
        public static let directedAdvertisingReport: UInt8 = 0x0B
        public static let extendedAdvertisingReport: UInt8 = 0x0D
    }
}

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
