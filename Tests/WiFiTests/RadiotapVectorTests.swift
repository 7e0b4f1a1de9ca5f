import NIOCore
import Testing
@testable import WiFi

/// Radiotap headers written from the specification (radiotap.org): field alignment from the
/// start of the header, extended presence bitmaps, namespaces.
@Suite struct RadiotapVectorTests {
    @Test func fieldsAreReadAtTheirAlignmentCountedFromTheHeaderStart() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x20, 0x00,                         // version, pad, it_len 32
            0x0F, 0x08, 0x00, 0x80,                         // it_present: TSFT, Flags, Rate, Channel, Antenna; Ext
            0x00, 0x00, 0x04, 0x00,                         // it_present 2, still radiotap's: bit 18 is field 50, undefined
            0x11, 0x22, 0x33, 0x44,                         // pad to 16 (TSFT is 8-aligned), never read
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // TSFT at 16 (8-aligned)
            0x10,                                           // Flags at 24: FCS at end
            0x0C,                                           // Rate at 25: 6 Mb/s
            0x85, 0x09, 0xC0, 0x00,                         // Channel at 26 (2-aligned): 2437 MHz, flags
            0x02,                                           // Antenna at 30
            0x00,                                           // pad
        ]
        // The second bitmap continues the radiotap namespace (no bit 29/30): its bit 18 is
        // field 50, which is undefined, so decoding stops there — after every field of word 1.
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.length == 32)
        #expect(decoded.presenceWordCount == 2)
        #expect(decoded.tsft == 0x0807_0605_0403_0201)
        #expect(decoded.flags == .fcsAtEnd)
        #expect(decoded.rate == 12)
        #expect(decoded.channel == RadiotapChannel(megahertz: 2437, flags: 0x00C0))
        #expect(decoded.antenna == 2)
        #expect(decoded.hasUndefinedFields)
    }

    @Test func aOneByteFieldBeforeChannelIsFollowedByOnePadByte() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x0E, 0x00,
            0x0A, 0x00, 0x00, 0x00,                         // Flags, Channel
            0x00,                                           // Flags at 8
            0xEE,                                           // pad (Channel is 2-aligned)
            0x6C, 0x09, 0xA0, 0x00,                         // Channel at 10: 2412 MHz
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.channel?.megahertz == 2412)
        #expect(decoded.flags == [])
    }

    @Test func xChannelAndAMPDUStatusAreFourByteAligned() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x1C, 0x00,
            0x04, 0x00, 0x14, 0x00,                         // Rate (2), XChannel (18), A-MPDU status (20)
            0x02,                                           // Rate at 8
            0x00, 0x00, 0x00,                               // pad to 12
            0x40, 0x01, 0x00, 0x00, 0x3C, 0x14, 0x24, 0x14, // XChannel: flags 0x140, 5180 MHz, channel 36, max power 20
            0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, // A-MPDU: reference 7, flags 2
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.xChannel == RadiotapXChannel(flags: 0x140, megahertz: 5180, channel: 36, maxPower: 20))
        #expect(decoded.megahertz == 5180)
        #expect(decoded.ampduStatus?.reference == 7)
        #expect(decoded.ampduStatus?.flags == 2)
    }

    @Test func timestampHEAndLSIGSitAtTheirAlignments() throws {
        var header: [UInt8] = [
            0x00, 0x00, 0x00, 0x00,                         // version, pad, it_len (set below)
            0x02, 0x00, 0xC0, 0x0C,                         // it_present: Flags (1), timestamp (22), HE (23), 0-length-PSDU (26), L-SIG (27)
        ]
        header += [0x10]                                    // Flags at 8
        header += Array(repeating: 0, count: 7)             // pad to 16 (timestamp is 8-aligned)
        header += [0x01, 0, 0, 0, 0, 0, 0, 0, 0x05, 0x00, 0x12, 0x03]  // timestamp 1, accuracy 5, unit/position, flags
        header += [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]      // HE at 28 (2-aligned)
        header += [0x03]                                    // 0-length-PSDU at 40
        header += [0x00]                                    // pad
        header += [0x34, 0x12, 0x78, 0x56]                  // L-SIG at 42
        header[2] = UInt8(header.count)
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.timestamp == RadiotapTimestamp(timestamp: 1, accuracy: 5, unitPosition: 0x12, flags: 3))
        #expect(decoded.he == RadiotapHE(data1: 1, data2: 2, data3: 3, data4: 4, data5: 5, data6: 6))
        #expect(decoded.zeroLengthPSDU == 3)
        #expect(decoded.lSIG == RadiotapLSIG(data1: 0x1234, data2: 0x5678))
    }

    @Test func eachRadiotapNamespaceAfterTheFirstReportsOneAntennaChain() throws {
        // The layout Linux iwlwifi uses: the combined signal, then one namespace per chain.
        let header: [UInt8] = [
            0x00, 0x00, 0x1E, 0x00,                         // it_len 30
            0x2A, 0x40, 0x00, 0xA0,                         // Flags, Channel, dBm signal, RX flags; radiotap NS (29); Ext
            0x20, 0x08, 0x00, 0xA0,                         // chain 0: dBm signal, Antenna; radiotap NS; Ext
            0x20, 0x08, 0x00, 0x00,                         // chain 1: dBm signal, Antenna
            0x00,                                           // Flags at 16
            0x00,                                           // pad
            0x99, 0x09, 0xA0, 0x00,                         // Channel at 18: 2457 MHz
            0xC4,                                           // dBm signal at 22: −60 (combined)
            0x00,                                           // pad (RX flags are 2-aligned)
            0x00, 0x00,                                     // RX flags at 24
            0xC2, 0x00,                                     // chain 0: −62 dBm, antenna 0
            0xBF, 0x01,                                     // chain 1: −65 dBm, antenna 1
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.presenceWordCount == 3)
        #expect(decoded.antennaSignal == -60)
        #expect(decoded.signal == -60)
        #expect(Array(decoded.antennaSignals) == [.init(antenna: 0, signal: -62), .init(antenna: 1, signal: -65)])
        #expect(decoded.antennaSignals.strongest == -62)
        #expect(decoded.megahertz == 2457)
    }

    /// Per-antenna namespaces without a combined signal: the strongest chain is the signal,
    /// not the first (audit: the first chain's −70 was taken where −50 was heard).
    @Test func withoutACombinedSignalTheStrongestChainIsTheSignal() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x18, 0x00,                         // it_len 24
            0x08, 0x00, 0x00, 0xA0,                         // Channel; radiotap NS (29); Ext
            0x20, 0x08, 0x00, 0xA0,                         // chain 0: dBm signal, Antenna; radiotap NS; Ext
            0x20, 0x08, 0x00, 0x00,                         // chain 1: dBm signal, Antenna
            0x6C, 0x09, 0xA0, 0x00,                         // Channel at 16: 2412 MHz
            0xBA, 0x00,                                     // chain 0: −70 dBm, antenna 0
            0xCE, 0x01,                                     // chain 1: −50 dBm, antenna 1
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.antennaSignal == nil)
        #expect(decoded.signal == -50)
        #expect(decoded.megahertz == 2412)
    }

    /// FHSS is two bytes at 2-byte alignment (Linux's and Wireshark's table): read at 1, every
    /// field after it shifted (audit: the hop pattern was taken as the signal, +2 dBm).
    @Test func fhssIsTwoByteAligned() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x0E, 0x00,
            0x32, 0x00, 0x00, 0x00,                         // Flags (1), FHSS (4), dBm signal (5)
            0x00,                                           // Flags at 8
            0x00,                                           // pad: FHSS is 2-aligned
            0x03, 0x02,                                     // FHSS at 10: hop set 3, pattern 2
            0xB3,                                           // dBm signal at 12: −77
            0x00,
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.fhss == RadiotapFHSS(hopSet: 3, hopPattern: 2))
        #expect(decoded.signal == -77)
    }

    @Test func vendorNamespaceDataIsSkippedByItsSkipLength() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x1F, 0x00,                         // it_len 31
            0x22, 0x00, 0x00, 0xC0,                         // Flags, dBm signal; vendor NS (30); Ext
            0x07, 0x00, 0x00, 0xA0,                         // vendor's bits 0–2 (meaning unknown here); radiotap NS; Ext
            0x20, 0x08, 0x00, 0x00,                         // dBm signal, Antenna
            0x00,                                           // Flags at 16
            0xB5,                                           // dBm signal at 17: −75
            0x00, 0x11, 0x22, 0x01, 0x05, 0x00,             // vendor NS at 18: OUI 00:11:22, sub-namespace 1, skip_length 5
            0xDE, 0xAD, 0xBE, 0xEF, 0x99,                   // vendor data, 5 bytes, skipped
            0xB0, 0x03,                                     // radiotap again at 29: −80 dBm, antenna 3
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.vendorNamespace == RadiotapVendorNamespace(oui: 0x001122, subNamespace: 1, skipLength: 5))
        #expect(decoded.vendorNamespaceCount == 1)
        #expect(decoded.antennaSignal == -75)
        #expect(Array(decoded.antennaSignals) == [.init(antenna: 3, signal: -80)])
    }

    @Test func tlvItemsAfterTheFixedFieldsCarryKnownFields() throws {
        let header: [UInt8] = [
            0x00, 0x00, 0x18, 0x00,                         // it_len 24
            0x02, 0x00, 0x00, 0x10,                         // Flags, TLV (28)
            0x00,                                           // Flags at 8
            0x00, 0x00, 0x00,                               // pad to 12 (TLVs are 4-aligned)
            0x05, 0x00, 0x01, 0x00, 0xC8, 0x00, 0x00, 0x00, // TLV type 5 (dBm signal), length 1: −56, padded
            0x21, 0x00, 0x00, 0x00,                         // TLV type 33 (U-SIG), length 0
        ]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.tlvCount == 2)
        #expect(decoded.antennaSignal == -56)
    }

    @Test(arguments: [
        ([0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00] as [UInt8], 0, "version 1 is not 0"),
        ([0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00], 2, "header length 16 runs past the 8 captured bytes"),
        ([0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00], 2, "shorter than the 8-byte fixed header"),
        ([0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x80], 8, "present bitmap 2"),
        ([0x00, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00], 8, "channel (bit 3) needs 4 bytes"),
        ([0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x22, 0x01, 0x09, 0x00, 0x00, 0x00], 16, "skip_length 9 runs past"),
        ([0x00, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0xE0, 0x00, 0x00, 0x00, 0x00], 4, "sets both bit 29"),
    ])
    func malformedHeadersSayWhatIsWrongAndAtWhichByte(bytes: [UInt8], offset: Int, message: String) throws {
        let error = try #require(throws: WiFiDecodingError.self) { try RadiotapHeader(decoding: bytes) }
        #expect(error.layer == .radiotap)
        #expect(error.offset == offset)
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func vendorNamespaceBitWithoutExtIsIgnoredBecauseNoBitmapFollows() throws {
        let header: [UInt8] = [0x00, 0x00, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x11, 0x22, 0x01, 0x09, 0x00]
        let decoded = try RadiotapHeader(decoding: header)
        #expect(decoded.vendorNamespaceCount == 0)
    }

    @Test func fieldTableMatchesTheSpecificationForEveryDefinedBit() {
        let expected: [(RadiotapField, Int, Int)] = [
            (.tsft, 8, 8), (.flags, 1, 1), (.rate, 1, 1), (.channel, 2, 4), (.fhss, 2, 2),
            (.antennaSignal, 1, 1), (.antennaNoise, 1, 1), (.lockQuality, 2, 2), (.txAttenuation, 2, 2),
            (.dbTxAttenuation, 2, 2), (.dbmTxPower, 1, 1), (.antenna, 1, 1), (.dbAntennaSignal, 1, 1),
            (.dbAntennaNoise, 1, 1), (.rxFlags, 2, 2), (.txFlags, 2, 2), (.rtsRetries, 1, 1), (.dataRetries, 1, 1),
            (.xChannel, 4, 8), (.mcs, 1, 3), (.ampduStatus, 4, 8), (.vht, 2, 12), (.timestamp, 8, 12),
            (.he, 2, 12), (.heMU, 2, 12), (.heMUOtherUser, 2, 6), (.zeroLengthPSDU, 1, 1), (.lSIG, 2, 4),
            (.vendorNamespace, 2, 6),
        ]
        for (field, alignment, size) in expected {
            #expect(field.alignment == alignment, "\(field)")
            #expect(field.size == size, "\(field)")
        }
    }
}
