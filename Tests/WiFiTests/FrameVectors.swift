/// Test vectors built from the specifications, byte by byte, with the field names beside them.
enum FrameVectors {
    /// A probe request (802.11-2020, 9.3.3.9) from `source`, sequence number `sequence`,
    /// asking for `ssid`, with Supported Rates and a vendor element.
    static func probeRequest(source: [UInt8] = [0x84, 0x16, 0xF9, 0xF2, 0xDA, 0x8B], sequence: UInt16 = 1237, ssid: String = "shop") -> [UInt8] {
        let sequenceControl = sequence << 4
        var frame: [UInt8] = [
            0x40, 0x00,                               // frame control: management, subtype 4 (probe request)
            0x00, 0x00,                               // duration
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,       // address 1: broadcast
        ]
        frame += source                               // address 2: the transmitter
        frame += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] // address 3: wildcard BSSID
        frame += [UInt8(sequenceControl & 0xFF), UInt8(sequenceControl >> 8)]  // sequence control
        frame += [0x00, UInt8(ssid.utf8.count)] + Array(ssid.utf8)              // SSID element
        frame += [0x01, 0x04, 0x02, 0x04, 0x0B, 0x16]                          // Supported Rates: 1, 2, 5.5, 11 Mb/s
        frame += [0xDD, 0x05, 0x00, 0x50, 0xF2, 0x08, 0x00]                    // Vendor Specific: Microsoft OUI, WPS-ish
        return frame
    }

    /// The Fryza sniffer's 14-byte radiotap header: Channel, dBm Antenna Signal, Antenna.
    static func esp32Radiotap(megahertz: UInt16 = 2417, signal: Int8 = -92) -> [UInt8] {
        [
            0x00, 0x00,                               // it_version 0, it_pad
            0x0E, 0x00,                               // it_len 14
            0x28, 0x08, 0x00, 0x00,                   // it_present: Channel (3), dBm Antenna Signal (5), Antenna (11)
            UInt8(megahertz & 0xFF), UInt8(megahertz >> 8), 0x80, 0x00,  // Channel: frequency, flags 2 GHz
            UInt8(bitPattern: signal),                // dBm Antenna Signal
            0x00,                                     // Antenna 0
        ]
    }
}
