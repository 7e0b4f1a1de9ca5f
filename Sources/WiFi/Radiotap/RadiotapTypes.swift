/// Radiotap flags (bit 1).
public struct RadiotapFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let cfp = RadiotapFlags(rawValue: 0x01)
    public static let shortPreamble = RadiotapFlags(rawValue: 0x02)
    public static let wep = RadiotapFlags(rawValue: 0x04)
    public static let fragmentation = RadiotapFlags(rawValue: 0x08)
    /// The frame ends with its 4-byte frame check sequence.
    public static let fcsAtEnd = RadiotapFlags(rawValue: 0x10)
    /// Padding between the 802.11 header and the payload, to a 32-bit boundary.
    public static let dataPad = RadiotapFlags(rawValue: 0x20)
    /// The frame failed its FCS check: its addresses cannot be trusted.
    public static let badFCS = RadiotapFlags(rawValue: 0x40)
    public static let shortGuardInterval = RadiotapFlags(rawValue: 0x80)
}

/// Channel (bit 3): centre frequency and the channel flags.
public struct RadiotapChannel: Hashable, Sendable {
    public var megahertz: UInt16
    public var flags: UInt16
    public init(megahertz: UInt16, flags: UInt16) { self.megahertz = megahertz; self.flags = flags }
}

/// FHSS (bit 4): hop set and pattern of frequency-hopping radios.
public struct RadiotapFHSS: Hashable, Sendable {
    public var hopSet: UInt8
    public var hopPattern: UInt8
}

/// XChannel (bit 18): extended channel, from older Atheros drivers.
public struct RadiotapXChannel: Hashable, Sendable {
    public var flags: UInt32
    public var megahertz: UInt16
    public var channel: UInt8
    public var maxPower: UInt8
}

/// MCS (bit 19): 802.11n rate information.
public struct RadiotapMCS: Hashable, Sendable {
    public var known: UInt8
    public var flags: UInt8
    public var index: UInt8
}

/// A-MPDU status (bit 20).
public struct RadiotapAMPDUStatus: Hashable, Sendable {
    public var reference: UInt32
    public var flags: UInt16
    public var delimiterCRC: UInt8
    public var reserved: UInt8
}

/// VHT (bit 21): 802.11ac rate information.
public struct RadiotapVHT: Hashable, Sendable {
    public var known: UInt16
    public var flags: UInt8
    public var bandwidth: UInt8
    /// `mcs_nss` for the four users, MCS in the high nibble, spatial streams in the low.
    public var mcsNSS: UInt32
    public var coding: UInt8
    public var groupID: UInt8
    public var partialAID: UInt16
}

/// Timestamp (bit 22): a timestamp with its accuracy, unit and sampling position.
public struct RadiotapTimestamp: Hashable, Sendable {
    public var timestamp: UInt64
    public var accuracy: UInt16
    public var unitPosition: UInt8
    public var flags: UInt8
}

/// HE (bit 23): 802.11ax, six data words.
public struct RadiotapHE: Hashable, Sendable {
    public var data1, data2, data3, data4, data5, data6: UInt16
}

/// HE-MU (bit 24).
public struct RadiotapHEMU: Hashable, Sendable {
    public var flags1: UInt16
    public var flags2: UInt16
    /// `RU_channel1[4]`, first byte in the lowest position.
    public var ruChannel1: UInt32
    /// `RU_channel2[4]`, first byte in the lowest position.
    public var ruChannel2: UInt32
}

/// HE-MU-other-user (bit 25).
public struct RadiotapHEMUOtherUser: Hashable, Sendable {
    public var perUser1: UInt16
    public var perUser2: UInt16
    public var perUserPosition: UInt8
    public var perUserKnown: UInt8
}

/// L-SIG (bit 27).
public struct RadiotapLSIG: Hashable, Sendable {
    public var data1: UInt16
    public var data2: UInt16
}

/// A vendor namespace met in the header (bit 30): whose it is and how much data it skipped.
public struct RadiotapVendorNamespace: Hashable, Sendable {
    public var oui: UInt32
    public var subNamespace: UInt8
    public var skipLength: UInt16
}
