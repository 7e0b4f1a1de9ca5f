import NIOCore

/// Event_Type of the LE Extended Advertising Report (Vol 4 Part E 7.7.65.13). Bits 7–15 are
/// reserved; real controllers set some of them, so decoding masks them instead of rejecting.
public struct ExtendedAdvertisingEventType: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16

    /// The bits the specification defines (0–6).
    public static let definedBits: UInt16 = 0x007F

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Keeps the defined bits only.
    public init(masking raw: UInt16) { self.rawValue = raw & Self.definedBits }

    public static let connectable = Self(rawValue: 1 << 0)
    public static let scannable = Self(rawValue: 1 << 1)
    public static let directed = Self(rawValue: 1 << 2)
    public static let scanResponse = Self(rawValue: 1 << 3)
    public static let legacy = Self(rawValue: 1 << 4)

    public enum DataStatus: UInt8, Sendable, Hashable {
        case complete = 0, incompleteMoreToCome = 1, incompleteTruncated = 2, reserved = 3
    }

    /// Bits 5–6.
    public var dataStatus: DataStatus { DataStatus(rawValue: UInt8((rawValue >> 5) & 0b11))! }
}
