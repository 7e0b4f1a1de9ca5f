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
