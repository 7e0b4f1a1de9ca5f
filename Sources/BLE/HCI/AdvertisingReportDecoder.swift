import NIOCore

/// The reports of the three advertising report sub-events, read straight from the packet's
/// bytes: one length check per report for its fixed part and one for its data, each throwing
/// the same kind of error as every other decoder (field, byte offset). This is the decoder's hot
/// loop, so it reads through a raw pointer rather than field by field through `PacketReader`.
enum AdvertisingReportDecoder {
    /// `buffer`'s byte `start` is Num_Reports; `base` is the packet offset of the buffer's first
    /// byte, for error messages.
    static func forEachReport(
        in buffer: ByteBuffer, at start: Int, base: Int, entry: HCIEventDecoder.SubeventEntry,
        _ body: (LEAdvertisingReport) -> Void
    ) throws(HCIDecodingError) {
        let failure: HCIDecodingError? = buffer.withUnsafeReadableBytes { raw in
            func error(_ message: String, at local: Int) -> HCIDecodingError {
                HCIDecodingError(context: entry.name, message: message, offset: base + local)
            }
            func tooShort(_ field: String, _ needed: Int, at local: Int) -> HCIDecodingError {
                error("\(field) needs \(needed) bytes but only \(raw.count - local) remain", at: local)
            }
            var offset = start
            guard offset < raw.count else { return tooShort("Num_Reports", 1, at: offset) }
            let count = Int(raw[offset])
            guard count > 0 else { return error("Num_Reports is 0", at: offset) }
            offset += 1
            for _ in 0..<count {
                guard raw.count - offset >= entry.fixedReportSize else {
                    return tooShort("report", entry.fixedReportSize, at: offset)
                }
                switch entry.kind {
                case .legacy:
                    // Event_Type, Address_Type, Address (6), Data_Length, Data, RSSI (7.7.65.2).
                    let length = Int(raw[offset + 8])
                    guard length <= 31 else { return error("Data_Length \(length) exceeds 31", at: offset + 8) }
                    let dataStart = offset + 9
                    guard raw.count - dataStart >= length else { return tooShort("Data", length, at: dataStart) }
                    guard raw.count - dataStart - length >= 1 else { return tooShort("RSSI", 1, at: dataStart + length) }
                    body(LEAdvertisingReport(
                        kind: .legacy, eventType: UInt16(raw[offset]), addressType: AddressType(rawValue: raw[offset + 1]),
                        address: address(raw, offset + 2), rssi: HCIEventDecoder.rssi(raw[dataStart + length]),
                        data: buffer.getSlice(at: buffer.readerIndex + dataStart, length: length)!
                    ))
                    offset = dataStart + length + 1
                case .directed:
                    // Event_Type, Address_Type, Address, Direct_Address_Type, Direct_Address, RSSI (7.7.65.11).
                    body(LEAdvertisingReport(
                        kind: .directed, eventType: UInt16(raw[offset]), addressType: AddressType(rawValue: raw[offset + 1]),
                        address: address(raw, offset + 2), rssi: HCIEventDecoder.rssi(raw[offset + 15]),
                        directAddressType: AddressType(rawValue: raw[offset + 8]), directAddress: address(raw, offset + 9)
                    ))
                    offset += 16
                case .extended:
                    // Event_Type (2), Address_Type, Address, Primary_PHY, Secondary_PHY,
                    // Advertising_SID, TX_Power, RSSI, Periodic_Advertising_Interval (2),
                    // Direct_Address_Type, Direct_Address, Data_Length, Data (7.7.65.13).
                    let length = Int(raw[offset + 23])
                    let dataStart = offset + 24
                    guard raw.count - dataStart >= length else { return tooShort("Data", length, at: dataStart) }
                    let rawEventType = UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8
                    let eventType = ExtendedAdvertisingEventType(masking: rawEventType)
                    let isDirected = eventType.contains(.directed)
                    body(LEAdvertisingReport(
                        kind: .extended, eventType: eventType.rawValue, rawEventType: rawEventType,
                        addressType: AddressType(rawValue: raw[offset + 2]), address: address(raw, offset + 3),
                        rssi: HCIEventDecoder.rssi(raw[offset + 13]), txPower: HCIEventDecoder.rssi(raw[offset + 12]),
                        primaryPHY: raw[offset + 9], secondaryPHY: raw[offset + 10], advertisingSID: raw[offset + 11],
                        periodicAdvertisingInterval: UInt16(raw[offset + 14]) | UInt16(raw[offset + 15]) << 8,
                        directAddressType: isDirected ? AddressType(rawValue: raw[offset + 16]) : nil,
                        directAddress: isDirected ? address(raw, offset + 17) : nil,
                        data: buffer.getSlice(at: buffer.readerIndex + dataStart, length: length)!
                    ))
                    offset = dataStart + length
                }
            }
            guard offset == raw.count else { return error("\(raw.count - offset) bytes left after the last report", at: offset) }
            return nil
        }
        if let failure { throw failure }
    }

    /// Six little-endian bytes.
    @inline(__always)
    static func address(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> BluetoothAddress {
        let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let high = UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)))
        return BluetoothAddress(rawValue: high << 32 | low)
    }
}
