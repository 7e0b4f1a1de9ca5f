import NIOCore

/// A decoded radiotap header (radiotap.org): every defined field that was present. Where a
/// field appears in more than one radiotap namespace (per-chain reports), the first one is
/// kept here and the per-chain signals are in `antennaSignals`.
public struct RadiotapHeader: Hashable, Sendable {
    /// `it_len`: the header's length, where the 802.11 frame starts.
    public var length: Int
    /// Number of presence bitmaps (`it_present` words, chained by bit 31).
    public var presenceWordCount: Int

    public var tsft: UInt64?
    public var flags: RadiotapFlags?
    /// Rate in 500 kb/s units.
    public var rate: UInt8?
    public var channel: RadiotapChannel?
    public var fhss: RadiotapFHSS?
    /// dBm antenna signal: the RSSI.
    public var antennaSignal: Int8?
    /// dBm antenna noise.
    public var antennaNoise: Int8?
    public var lockQuality: UInt16?
    public var txAttenuation: UInt16?
    public var dbTxAttenuation: UInt16?
    public var dbmTxPower: Int8?
    public var antenna: UInt8?
    public var dbAntennaSignal: UInt8?
    public var dbAntennaNoise: UInt8?
    public var rxFlags: UInt16?
    public var txFlags: UInt16?
    public var rtsRetries: UInt8?
    public var dataRetries: UInt8?
    public var xChannel: RadiotapXChannel?
    public var mcs: RadiotapMCS?
    public var ampduStatus: RadiotapAMPDUStatus?
    public var vht: RadiotapVHT?
    public var timestamp: RadiotapTimestamp?
    public var he: RadiotapHE?
    public var heMU: RadiotapHEMU?
    public var heMUOtherUser: RadiotapHEMUOtherUser?
    public var zeroLengthPSDU: UInt8?
    public var lSIG: RadiotapLSIG?

    /// Signal per antenna chain, from each namespace that has both a dBm signal and an antenna.
    public var antennaSignals = AntennaSignals()
    /// The last vendor namespace met (its data skipped by `skip_length`), and how many there were.
    public var vendorNamespace: RadiotapVendorNamespace?
    public var vendorNamespaceCount = 0
    /// Number of TLV items after the fixed fields (bit 28).
    public var tlvCount = 0
    /// Set when a presence bit beyond the defined fields was met: its size is unknown, so
    /// the fields after it could not be read (the header's length still frames the packet).
    public var hasUndefinedFields = false

    public init(length: Int, presenceWordCount: Int) {
        self.length = length
        self.presenceWordCount = presenceWordCount
    }

    /// The frequency in MHz, from Channel or else XChannel.
    public var megahertz: Int? {
        if let channel { return Int(channel.megahertz) }
        if let xChannel { return Int(xChannel.megahertz) }
        return nil
    }

    /// The signal to report: the dBm antenna signal, or else the strongest chain's.
    public var signal: Int8? { antennaSignal ?? antennaSignals.strongest }

    /// Whether a 4-byte FCS ends the frame that follows.
    public var hasFCS: Bool { flags?.contains(.fcsAtEnd) ?? false }
}
