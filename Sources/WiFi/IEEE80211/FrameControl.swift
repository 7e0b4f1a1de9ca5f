/// The 802.11 Frame Control field (802.11-2020, 9.2.4.1): protocol version, type, subtype and
/// the flag bits, from its two little-endian bytes.
public struct FrameControl: Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public enum FrameType: UInt8, Sendable {
        case management = 0, control = 1, data = 2, `extension` = 3
    }

    public var protocolVersion: UInt8 { UInt8(rawValue & 0x3) }
    public var type: FrameType { FrameType(rawValue: UInt8((rawValue >> 2) & 0x3))! }
    public var subtype: UInt8 { UInt8((rawValue >> 4) & 0xF) }

    public var toDS: Bool { rawValue & 0x0100 != 0 }
    public var fromDS: Bool { rawValue & 0x0200 != 0 }
    public var moreFragments: Bool { rawValue & 0x0400 != 0 }
    public var retry: Bool { rawValue & 0x0800 != 0 }
    public var powerManagement: Bool { rawValue & 0x1000 != 0 }
    public var moreData: Bool { rawValue & 0x2000 != 0 }
    public var protected: Bool { rawValue & 0x4000 != 0 }
    /// +HTC/Order: on a management frame of an HT station, a 4-byte HT Control field follows
    /// the sequence control.
    public var order: Bool { rawValue & 0x8000 != 0 }
}
