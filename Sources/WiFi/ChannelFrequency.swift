/// IEEE 802.11 channel numbers from centre frequencies (802.11-2020, 15.4.4.3, 17.3.8.4.2,
/// 27.3.23.2): the number a store's staff read off an access point's screen.
public enum ChannelFrequency {
    /// The channel number at a centre frequency in MHz, or nil outside the Wi-Fi bands.
    public static func channel(megahertz f: Int) -> Int? {
        switch f {
        case 2484: return 14
        case 2412...2472 where (f - 2407) % 5 == 0: return (f - 2407) / 5
        // 6 GHz: channel 2 sits apart at 5935 MHz, the rest start at 5950 MHz.
        case 5935: return 2
        case 5955...7115 where (f - 5950) % 5 == 0: return (f - 5950) / 5
        case 5000...5925 where f % 5 == 0: return (f - 5000) / 5
        // 4.9 GHz public-safety band (Japan), numbered from 4000 MHz.
        case 4910...4990 where f % 5 == 0: return (f - 4000) / 5
        default: return nil
        }
    }

    /// The centre frequency in MHz of a channel in a band, the inverse of `channel(megahertz:)`.
    public static func megahertz(channel: Int, band: Band) -> Int? {
        switch band {
        case .twoPointFour:
            if channel == 14 { return 2484 }
            return (1...13).contains(channel) ? 2407 + 5 * channel : nil
        case .five:
            return (1...196).contains(channel) ? 5000 + 5 * channel : nil
        case .six:
            if channel == 2 { return 5935 }
            return (1...233).contains(channel) ? 5950 + 5 * channel : nil
        }
    }

    public enum Band: Sendable { case twoPointFour, five, six }
}
