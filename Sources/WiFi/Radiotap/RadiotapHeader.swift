import NIOCore

/// A decoded radiotap header (radiotap.org): every defined field that was present. Where a
/// field appears in more than one radiotap namespace (per-chain reports), the first one is
/// kept here and the per-chain signals are in `antennaSignals`.
///
/// Fields are stored unwrapped beside a bitmap of the ones decoded, so the header stays
/// small and trivially copyable on the per-frame path; each reads back as an optional.
public struct RadiotapHeader: Hashable, Sendable {
    /// `it_len`: the header's length, where the 802.11 frame starts.
    public var length: Int { Int(storedLength) }
    /// Number of presence bitmaps (`it_present` words, chained by bit 31).
    public var presenceWordCount: Int { Int(storedPresenceWordCount) }
    /// Bit n is set when radiotap field n was decoded (from a bitmap or a TLV).
    public internal(set) var decodedFields: UInt32 = 0

    var storedLength: UInt16
    var storedPresenceWordCount: UInt16
    var storedTSFT: UInt64 = 0
    var storedTimestamp = RadiotapTimestamp(timestamp: 0, accuracy: 0, unitPosition: 0, flags: 0)
    var storedXChannel = RadiotapXChannel(flags: 0, megahertz: 0, channel: 0, maxPower: 0)
    var storedAMPDUStatus = RadiotapAMPDUStatus(reference: 0, flags: 0, delimiterCRC: 0, reserved: 0)
    var storedVHT = RadiotapVHT(known: 0, flags: 0, bandwidth: 0, mcsNSS: 0, coding: 0, groupID: 0, partialAID: 0)
    var storedHE = RadiotapHE(data1: 0, data2: 0, data3: 0, data4: 0, data5: 0, data6: 0)
    var storedHEMU = RadiotapHEMU(flags1: 0, flags2: 0, ruChannel1: 0, ruChannel2: 0)
    var storedHEMUOtherUser = RadiotapHEMUOtherUser(perUser1: 0, perUser2: 0, perUserPosition: 0, perUserKnown: 0)
    var storedChannel = RadiotapChannel(megahertz: 0, flags: 0)
    var storedLSIG = RadiotapLSIG(data1: 0, data2: 0)
    var storedLockQuality: UInt16 = 0
    var storedTXAttenuation: UInt16 = 0
    var storedDBTXAttenuation: UInt16 = 0
    var storedRXFlags: UInt16 = 0
    var storedTXFlags: UInt16 = 0
    var storedMCS = RadiotapMCS(known: 0, flags: 0, index: 0)
    var storedFHSS = RadiotapFHSS(hopSet: 0, hopPattern: 0)
    var storedFlags: UInt8 = 0
    var storedRate: UInt8 = 0
    var storedAntennaSignal: UInt8 = 0
    var storedAntennaNoise: UInt8 = 0
    var storedDBMTXPower: UInt8 = 0
    var storedAntenna: UInt8 = 0
    var storedDBAntennaSignal: UInt8 = 0
    var storedDBAntennaNoise: UInt8 = 0
    var storedRTSRetries: UInt8 = 0
    var storedDataRetries: UInt8 = 0
    var storedZeroLengthPSDU: UInt8 = 0

    /// Signal per antenna chain, from each namespace that has both a dBm signal and an antenna.
    public var antennaSignals = AntennaSignals()
    /// The last vendor namespace met (its data skipped by `skip_length`), and how many there were.
    public var vendorNamespace: RadiotapVendorNamespace?
    public var vendorNamespaceCount: Int { Int(storedVendorNamespaceCount) }
    /// Number of TLV items after the fixed fields (bit 28).
    public var tlvCount: Int { Int(storedTLVCount) }
    var storedVendorNamespaceCount: UInt16 = 0
    var storedTLVCount: UInt16 = 0
    /// Set when a presence bit beyond the defined fields was met: its size is unknown, so
    /// the fields after it could not be read (the header's length still frames the packet).
    public var hasUndefinedFields = false

    public init(length: Int, presenceWordCount: Int) {
        storedLength = UInt16(truncatingIfNeeded: length)
        storedPresenceWordCount = UInt16(truncatingIfNeeded: presenceWordCount)
    }

    @inline(__always)
    public func contains(_ field: RadiotapField) -> Bool { decodedFields & (1 << UInt32(field.rawValue)) != 0 }

    @inline(__always)
    private func value<T>(_ field: RadiotapField, _ stored: T) -> T? { contains(field) ? stored : nil }

    public var tsft: UInt64? { value(.tsft, storedTSFT) }
    public var flags: RadiotapFlags? { value(.flags, RadiotapFlags(rawValue: storedFlags)) }
    /// Rate in 500 kb/s units.
    public var rate: UInt8? { value(.rate, storedRate) }
    public var channel: RadiotapChannel? { value(.channel, storedChannel) }
    public var fhss: RadiotapFHSS? { value(.fhss, storedFHSS) }
    /// dBm antenna signal: the RSSI.
    public var antennaSignal: Int8? { value(.antennaSignal, Int8(bitPattern: storedAntennaSignal)) }
    /// dBm antenna noise.
    public var antennaNoise: Int8? { value(.antennaNoise, Int8(bitPattern: storedAntennaNoise)) }
    public var lockQuality: UInt16? { value(.lockQuality, storedLockQuality) }
    public var txAttenuation: UInt16? { value(.txAttenuation, storedTXAttenuation) }
    public var dbTxAttenuation: UInt16? { value(.dbTxAttenuation, storedDBTXAttenuation) }
    public var dbmTxPower: Int8? { value(.dbmTxPower, Int8(bitPattern: storedDBMTXPower)) }
    public var antenna: UInt8? { value(.antenna, storedAntenna) }
    public var dbAntennaSignal: UInt8? { value(.dbAntennaSignal, storedDBAntennaSignal) }
    public var dbAntennaNoise: UInt8? { value(.dbAntennaNoise, storedDBAntennaNoise) }
    public var rxFlags: UInt16? { value(.rxFlags, storedRXFlags) }
    public var txFlags: UInt16? { value(.txFlags, storedTXFlags) }
    public var rtsRetries: UInt8? { value(.rtsRetries, storedRTSRetries) }
    public var dataRetries: UInt8? { value(.dataRetries, storedDataRetries) }
    public var xChannel: RadiotapXChannel? { value(.xChannel, storedXChannel) }
    public var mcs: RadiotapMCS? { value(.mcs, storedMCS) }
    public var ampduStatus: RadiotapAMPDUStatus? { value(.ampduStatus, storedAMPDUStatus) }
    public var vht: RadiotapVHT? { value(.vht, storedVHT) }
    public var timestamp: RadiotapTimestamp? { value(.timestamp, storedTimestamp) }
    public var he: RadiotapHE? { value(.he, storedHE) }
    public var heMU: RadiotapHEMU? { value(.heMU, storedHEMU) }
    public var heMUOtherUser: RadiotapHEMUOtherUser? { value(.heMUOtherUser, storedHEMUOtherUser) }
    public var zeroLengthPSDU: UInt8? { value(.zeroLengthPSDU, storedZeroLengthPSDU) }
    public var lSIG: RadiotapLSIG? { value(.lSIG, storedLSIG) }

    /// The frequency in MHz, from Channel or else XChannel.
    public var megahertz: Int? {
        if contains(.channel) { return Int(storedChannel.megahertz) }
        if contains(.xChannel) { return Int(storedXChannel.megahertz) }
        return nil
    }

    /// The signal to report: the dBm antenna signal, or else the strongest chain's.
    public var signal: Int8? { antennaSignal ?? antennaSignals.strongest }

    /// Whether a 4-byte FCS ends the frame that follows.
    public var hasFCS: Bool { contains(.flags) && storedFlags & RadiotapFlags.fcsAtEnd.rawValue != 0 }
}
