/// The radiotap namespace's fields by presence bit, with the alignment and size the
/// specification gives each (radiotap.org, "Defined fields"). Alignment is counted from the
/// start of the radiotap header; the TLV field (bit 28) has no fixed size: the rest of the
/// header is a list of type-length-value items.
public enum RadiotapField: Int, CaseIterable, Sendable {
    case tsft = 0                // u64 mactime, microseconds
    case flags = 1               // u8
    case rate = 2                // u8, 500 kb/s units
    case channel = 3             // u16 frequency MHz, u16 flags
    case fhss = 4                // u8 hop set, u8 hop pattern
    case antennaSignal = 5       // s8 dBm
    case antennaNoise = 6        // s8 dBm
    case lockQuality = 7         // u16
    case txAttenuation = 8       // u16
    case dbTxAttenuation = 9     // u16
    case dbmTxPower = 10         // s8 dBm
    case antenna = 11            // u8 antenna index
    case dbAntennaSignal = 12    // u8 dB
    case dbAntennaNoise = 13     // u8 dB
    case rxFlags = 14            // u16
    case txFlags = 15            // u16
    case rtsRetries = 16         // u8
    case dataRetries = 17        // u8
    case xChannel = 18           // u32 flags, u16 frequency, u8 channel, u8 max power
    case mcs = 19                // u8 known, u8 flags, u8 mcs
    case ampduStatus = 20        // u32 reference, u16 flags, u8 delimiter CRC, u8 reserved
    case vht = 21                // u16 known, u8 flags, u8 bandwidth, u8 mcs_nss[4], u8 coding, u8 group id, u16 partial aid
    case timestamp = 22          // u64 timestamp, u16 accuracy, u8 unit/position, u8 flags
    case he = 23                 // u16 data1 … data6
    case heMU = 24               // u16 flags1, u16 flags2, u8 RU_channel1[4], u8 RU_channel2[4]
    case heMUOtherUser = 25      // u16 per_user_1, u16 per_user_2, u8 per_user_position, u8 per_user_known
    case zeroLengthPSDU = 26     // u8 type
    case lSIG = 27               // u16 data1, u16 data2
    case tlv = 28                // the rest of the header: u16 type, u16 length, data, padded to 4
    case radiotapNamespace = 29  // no data: the next bitmap is radiotap's again
    case vendorNamespace = 30    // u8 OUI[3], u8 sub_namespace, u16 skip_length
    case ext = 31                // no data: another bitmap follows

    /// Alignment in bytes, counted from the start of the radiotap header.
    public var alignment: Int { Self.layout(bit: rawValue).alignment }
    /// Size in bytes; 0 for the bits that carry no data and for the TLV list.
    public var size: Int { Self.layout(bit: rawValue).size }

    /// The table lookup the parser uses: a switch the compiler turns into a jump table.
    @inline(__always)
    static func layout(bit: Int) -> (alignment: Int, size: Int) {
        switch bit {
        case 0: return (8, 8)
        case 1, 2: return (1, 1)
        case 3: return (2, 4)
        case 4: return (2, 2)           // FHSS: hop set and pattern, u16-aligned as Linux and Wireshark read it
        case 5, 6: return (1, 1)
        case 7, 8, 9: return (2, 2)
        case 10, 11, 12, 13: return (1, 1)
        case 14, 15: return (2, 2)
        case 16, 17: return (1, 1)
        case 18: return (4, 8)
        case 19: return (1, 3)
        case 20: return (4, 8)
        case 21: return (2, 12)
        case 22: return (8, 12)
        case 23, 24: return (2, 12)
        case 25: return (2, 6)
        case 26: return (1, 1)
        case 27: return (2, 4)
        case 28: return (4, 0)
        case 30: return (2, 6)
        default: return (1, 0)
        }
    }
}
