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
        try forEachRawReport(in: buffer, at: start, base: base, entry: entry) { raw in
            body(LEAdvertisingReport(raw, in: buffer))
        }
    }

    /// As `forEachReport`, handing out views into the packet that live only during `body`.
    static func forEachRawReport(
        in buffer: ByteBuffer, at start: Int, base: Int, entry: HCIEventDecoder.SubeventEntry,
        _ body: (RawAdvertisingReport) -> Void
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
                    body(RawAdvertisingReport(
                        kind: .legacy, eventType: UInt16(raw[offset]), rawEventType: UInt16(raw[offset]),
                        addressType: raw[offset + 1], address: address(raw, offset + 2),
                        rssi: raw[dataStart + length], dataOffset: dataStart,
                        data: UnsafeRawBufferPointer(rebasing: raw[dataStart..<dataStart + length])
                    ))
                    offset = dataStart + length + 1
                case .directed:
                    // Event_Type, Address_Type, Address, Direct_Address_Type, Direct_Address, RSSI (7.7.65.11).
                    body(RawAdvertisingReport(
                        kind: .directed, eventType: UInt16(raw[offset]), rawEventType: UInt16(raw[offset]),
                        addressType: raw[offset + 1], address: address(raw, offset + 2), rssi: raw[offset + 15],
                        directAddressType: raw[offset + 8], directAddress: address(raw, offset + 9),
                        dataOffset: offset + 16, data: UnsafeRawBufferPointer(rebasing: raw[offset + 16..<offset + 16])
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
                    body(RawAdvertisingReport(
                        kind: .extended, eventType: eventType.rawValue, rawEventType: rawEventType,
                        addressType: raw[offset + 2], address: address(raw, offset + 3),
                        rssi: raw[offset + 13], txPower: raw[offset + 12],
                        primaryPHY: raw[offset + 9], secondaryPHY: raw[offset + 10], advertisingSID: raw[offset + 11],
                        periodicAdvertisingInterval: UInt16(raw[offset + 14]) | UInt16(raw[offset + 15]) << 8,
                        directAddressType: isDirected ? raw[offset + 16] : nil,
                        directAddress: isDirected ? address(raw, offset + 17) : nil,
                        dataOffset: dataStart, data: UnsafeRawBufferPointer(rebasing: raw[dataStart..<dataStart + length])
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

/// An advertising report as fields of the packet plus a view of its data, valid only inside the
/// decoder's callback: the converter's hot path reads it without copying or retaining anything.
struct RawAdvertisingReport {
    var kind: LEAdvertisingReport.Kind
    var eventType: UInt16
    var rawEventType: UInt16
    var addressType: UInt8
    var address: BluetoothAddress
    /// As sent: 127 means not available.
    var rssi: UInt8
    var txPower: UInt8 = 127
    var primaryPHY: UInt8 = 1
    var secondaryPHY: UInt8 = 0
    var advertisingSID: UInt8 = 0xFF
    var periodicAdvertisingInterval: UInt16 = 0
    var directAddressType: UInt8?
    var directAddress: BluetoothAddress?
    /// Offset of the data in the decoded buffer.
    var dataOffset: Int
    var data: UnsafeRawBufferPointer
}

extension LEAdvertisingReport {
    init(_ raw: RawAdvertisingReport, in buffer: ByteBuffer) {
        self.init(
            kind: raw.kind, eventType: raw.eventType, rawEventType: raw.rawEventType,
            addressType: AddressType(rawValue: raw.addressType), address: raw.address,
            rssi: HCIEventDecoder.rssi(raw.rssi), txPower: raw.kind == .extended ? HCIEventDecoder.rssi(raw.txPower) : nil,
            primaryPHY: raw.primaryPHY, secondaryPHY: raw.secondaryPHY, advertisingSID: raw.advertisingSID,
            periodicAdvertisingInterval: raw.periodicAdvertisingInterval,
            directAddressType: raw.directAddressType.map(AddressType.init(rawValue:)), directAddress: raw.directAddress,
            data: buffer.getSlice(at: buffer.readerIndex + raw.dataOffset, length: raw.data.count)!
        )
    }
}
