/// The pcap link types (tcpdump.org, LINKTYPE_*) that carry 802.11 frames.
public enum WiFiLinkType: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// LINKTYPE_IEEE802_11: bare 802.11 frames, no radio information, so no signal strength.
    case ieee80211 = 105
    /// LINKTYPE_IEEE802_11_RADIOTAP: a radiotap header, then the frame.
    case radiotap = 127
    /// LINKTYPE_IEEE802_11_AVS: a 64-byte AVS header, then the frame.
    case avs = 163

    /// Whether the link type can carry a signal strength at all.
    public var carriesSignal: Bool { self != .ieee80211 }

    public var description: String {
        switch self {
        case .ieee80211: return "105 (802.11 without radio header)"
        case .radiotap: return "127 (802.11 with radiotap)"
        case .avs: return "163 (802.11 with AVS header)"
        }
    }
}
