import NIOCore

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
