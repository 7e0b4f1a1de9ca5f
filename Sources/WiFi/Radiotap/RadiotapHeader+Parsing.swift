import NIOCore

extension RadiotapHeader {
    /// Decodes the radiotap header at the start of a captured packet. The 802.11 frame starts
    /// at `length`.
    public init(decoding packet: ByteBuffer) throws(WiFiDecodingError) {
        self = try packet.withUnsafeReadableBytes { bytes in
            Result { () throws(WiFiDecodingError) in try RadiotapHeader(bytes: bytes) }
        }.get()
    }

    public init(decoding packet: [UInt8]) throws(WiFiDecodingError) {
        self = try packet.withUnsafeBytes { bytes in
            Result { () throws(WiFiDecodingError) in try RadiotapHeader(bytes: bytes) }
        }.get()
    }

    /// Walks the presence bitmaps and reads each field at its alignment. Bits 29, 30 and 31
    /// mean the same in every namespace; the other bits only in radiotap's own.
    init(bytes b: UnsafeRawBufferPointer) throws(WiFiDecodingError) {
        guard b.count >= 8 else {
            throw WiFiDecodingError(.radiotap, at: b.count, "needs 8 bytes (version, pad, length, present bitmap) but the packet has \(b.count)")
        }
        let version = b.u8(0)
        guard version == 0 else {
            throw WiFiDecodingError(.radiotap, at: 0, "version \(version) is not 0: not a radiotap header")
        }
        let length = Int(b.u16(2))
        guard length >= 8 else {
            throw WiFiDecodingError(.radiotap, at: 2, "header length \(length) is shorter than the 8-byte fixed header")
        }
        guard length <= b.count else {
            throw WiFiDecodingError(.radiotap, at: 2, "header length \(length) runs past the \(b.count) captured bytes")
        }

        // `it_present` words chain while bit 31 is set.
        var words = 1
        while b.u32(words * 4) & 0x8000_0000 != 0 {
            guard (words + 1) * 4 + 4 <= length else {
                throw WiFiDecodingError(.radiotap, at: (words + 1) * 4, "present bitmap \(words + 1), announced by bit 31 of the one before, runs past the header length \(length)")
            }
            words += 1
        }
        self.init(length: length, presenceWordCount: words)

        var offset = 4 + 4 * words          // the data cursor, from the header's start
        var inRadiotapNamespace = true
        var base = 0                        // field index of bit 0 in the current radiotap bitmap
        var fieldsReadable = true           // false after a field whose size is unknown
        var chainSignal: Int8?
        var chainAntenna: UInt8?
        // The fields of the first namespace are the packet's own (its combined signal); later
        // radiotap namespaces repeat them per antenna and only feed `antennaSignals`.
        var firstNamespace = true

        for w in 0..<words {
            let word = b.u32(4 + 4 * w)
            if inRadiotapNamespace && fieldsReadable {
                var bits = word & 0x1FFF_FFFF
                while bits != 0 {
                    let index = base + bits.trailingZeroBitCount
                    bits &= bits - 1
                    if index >= RadiotapField.tlv.rawValue {
                        if index == RadiotapField.tlv.rawValue {
                            offset = (offset + 3) & ~3
                            try readTLVs(b, from: offset)
                            offset = length
                        } else {
                            hasUndefinedFields = true
                        }
                        fieldsReadable = false
                        break
                    }
                    let (alignment, size) = RadiotapField.layout(bit: index)
                    offset = (offset + alignment - 1) & ~(alignment - 1)
                    guard offset + size <= length else {
                        throw WiFiDecodingError(.radiotap, at: min(offset, length), "field \(RadiotapField(rawValue: index).map { "\($0)" } ?? "\(index)") (bit \(index)) needs \(size) bytes but the header ends at byte \(length)")
                    }
                    if index == RadiotapField.antennaSignal.rawValue {
                        chainSignal = Int8(bitPattern: b.u8(offset))
                    } else if index == RadiotapField.antenna.rawValue {
                        chainAntenna = b.u8(offset)
                    }
                    if firstNamespace { decodeField(index, b, at: offset) }
                    offset += size
                }
            }

            let toRadiotap = word & 0x2000_0000 != 0
            let toVendor = word & 0x4000_0000 != 0
            guard word & 0x8000_0000 != 0 else { break }
            if toRadiotap && toVendor {
                throw WiFiDecodingError(.radiotap, at: 4 + 4 * w, "present bitmap \(w + 1) sets both bit 29 (radiotap namespace) and bit 30 (vendor namespace)")
            }
            if toRadiotap || toVendor {
                if inRadiotapNamespace, let signal = chainSignal, let antenna = chainAntenna {
                    antennaSignals.append(.init(antenna: antenna, signal: signal))
                }
                chainSignal = nil
                chainAntenna = nil
                base = 0
                inRadiotapNamespace = toRadiotap
                firstNamespace = false
            } else if inRadiotapNamespace {
                base += 32
            }
            if toVendor && fieldsReadable {
                // Vendor namespace field: OUI, sub-namespace and skip_length; the vendor's
                // data follows it and is skipped whole.
                offset = (offset + 1) & ~1
                guard offset + 6 <= length else {
                    throw WiFiDecodingError(.radiotap, at: min(offset, length), "vendor namespace field (bit 30) needs 6 bytes but the header ends at byte \(length)")
                }
                let namespace = RadiotapVendorNamespace(
                    oui: UInt32(b.u8(offset)) << 16 | UInt32(b.u8(offset + 1)) << 8 | UInt32(b.u8(offset + 2)),
                    subNamespace: b.u8(offset + 3),
                    skipLength: b.u16(offset + 4)
                )
                guard offset + 6 + Int(namespace.skipLength) <= length else {
                    throw WiFiDecodingError(.radiotap, at: offset + 4, "vendor namespace skip_length \(namespace.skipLength) runs past the header length \(length)")
                }
                vendorNamespace = namespace
                storedVendorNamespaceCount &+= 1
                offset += 6 + Int(namespace.skipLength)
            }
        }
        if inRadiotapNamespace, let signal = chainSignal, let antenna = chainAntenna {
            antennaSignals.append(.init(antenna: antenna, signal: signal))
        }
    }

    /// The TLV list (bit 28) fills the rest of the header: u16 type, u16 length, the data,
    /// padding to 4 bytes. Types below 28 carry the fixed fields of the same bit.
    private mutating func readTLVs(_ b: UnsafeRawBufferPointer, from start: Int) throws(WiFiDecodingError) {
        var offset = start
        while offset < length {
            guard offset + 4 <= length else {
                throw WiFiDecodingError(.radiotap, at: offset, "TLV item needs a 4-byte type and length but the header ends at byte \(length)")
            }
            let type = Int(b.u16(offset))
            let itemLength = Int(b.u16(offset + 2))
            guard offset + 4 + itemLength <= length else {
                throw WiFiDecodingError(.radiotap, at: offset + 2, "TLV item of type \(type) declares \(itemLength) bytes but the header ends at byte \(length)")
            }
            if type < RadiotapField.tlv.rawValue, RadiotapField.layout(bit: type).size <= itemLength {
                decodeField(type, b, at: offset + 4)
            }
            storedTLVCount &+= 1
            offset += 4 + ((itemLength + 3) & ~3)
        }
    }

    /// Reads one fixed field; the caller has checked its bytes are there. The first value of
    /// each field wins, so a later namespace's per-chain value does not replace it.
    @inline(__always)
    private mutating func decodeField(_ index: Int, _ b: UnsafeRawBufferPointer, at o: Int) {
        let bit: UInt32 = 1 << UInt32(index)
        guard decodedFields & bit == 0 else { return }
        decodedFields |= bit
        switch index {
        case 0: storedTSFT = b.u64(o)
        case 1: storedFlags = b.u8(o)
        case 2: storedRate = b.u8(o)
        case 3: storedChannel = RadiotapChannel(megahertz: b.u16(o), flags: b.u16(o + 2))
        case 4: storedFHSS = RadiotapFHSS(hopSet: b.u8(o), hopPattern: b.u8(o + 1))
        case 5: storedAntennaSignal = b.u8(o)
        case 6: storedAntennaNoise = b.u8(o)
        case 7: storedLockQuality = b.u16(o)
        case 8: storedTXAttenuation = b.u16(o)
        case 9: storedDBTXAttenuation = b.u16(o)
        case 10: storedDBMTXPower = b.u8(o)
        case 11: storedAntenna = b.u8(o)
        case 12: storedDBAntennaSignal = b.u8(o)
        case 13: storedDBAntennaNoise = b.u8(o)
        case 14: storedRXFlags = b.u16(o)
        case 15: storedTXFlags = b.u16(o)
        case 16: storedRTSRetries = b.u8(o)
        case 17: storedDataRetries = b.u8(o)
        case 18: storedXChannel = RadiotapXChannel(flags: b.u32(o), megahertz: b.u16(o + 4), channel: b.u8(o + 6), maxPower: b.u8(o + 7))
        case 19: storedMCS = RadiotapMCS(known: b.u8(o), flags: b.u8(o + 1), index: b.u8(o + 2))
        case 20: storedAMPDUStatus = RadiotapAMPDUStatus(reference: b.u32(o), flags: b.u16(o + 4), delimiterCRC: b.u8(o + 6), reserved: b.u8(o + 7))
        case 21:
            storedVHT = RadiotapVHT(
                known: b.u16(o), flags: b.u8(o + 2), bandwidth: b.u8(o + 3), mcsNSS: b.u32(o + 4),
                coding: b.u8(o + 8), groupID: b.u8(o + 9), partialAID: b.u16(o + 10)
            )
        case 22: storedTimestamp = RadiotapTimestamp(timestamp: b.u64(o), accuracy: b.u16(o + 8), unitPosition: b.u8(o + 10), flags: b.u8(o + 11))
        case 23: storedHE = RadiotapHE(data1: b.u16(o), data2: b.u16(o + 2), data3: b.u16(o + 4), data4: b.u16(o + 6), data5: b.u16(o + 8), data6: b.u16(o + 10))
        case 24: storedHEMU = RadiotapHEMU(flags1: b.u16(o), flags2: b.u16(o + 2), ruChannel1: b.u32(o + 4), ruChannel2: b.u32(o + 8))
        case 25: storedHEMUOtherUser = RadiotapHEMUOtherUser(perUser1: b.u16(o), perUser2: b.u16(o + 2), perUserPosition: b.u8(o + 4), perUserKnown: b.u8(o + 5))
        case 26: storedZeroLengthPSDU = b.u8(o)
        case 27: storedLSIG = RadiotapLSIG(data1: b.u16(o), data2: b.u16(o + 2))
        default: decodedFields &= ~bit
        }
    }
}
