import NIOCore

/// Decodes HCI event packets (Event_Code, Parameter_Total_Length, parameters), table-driven as
/// BlueZ's monitor/packet.c: each entry names the event, its minimum parameter size and its
/// decoder; the size check is done once, in `decode`.
public enum HCIEventDecoder {
    struct Entry: Sendable {
        let code: UInt8
        let name: String
        let minimumSize: Int
        let decode: @Sendable (inout PacketReader) throws(HCIDecodingError) -> HCIEvent
    }

    static let events: [Entry] = [
        Entry(code: HCIEvent.Code.commandComplete, name: "Command Complete", minimumSize: 3) { reader throws(HCIDecodingError) in
            let packets = try reader.u8("Num_HCI_Command_Packets")
            let opcode = try reader.u16("Command_Opcode")
            return .commandComplete(CommandComplete(numHCICommandPackets: packets, opcode: HCIOpcode(rawValue: opcode), returnParameters: reader.rest()))
        },
        Entry(code: HCIEvent.Code.commandStatus, name: "Command Status", minimumSize: 4) { reader throws(HCIDecodingError) in
            let status = try reader.u8("Status")
            let packets = try reader.u8("Num_HCI_Command_Packets")
            let opcode = try reader.u16("Command_Opcode")
            return .commandStatus(CommandStatus(status: HCIStatus(rawValue: status), numHCICommandPackets: packets, opcode: HCIOpcode(rawValue: opcode)))
        },
        Entry(code: HCIEvent.Code.hardwareError, name: "Hardware Error", minimumSize: 1) { reader throws(HCIDecodingError) in
            .hardwareError(code: try reader.u8("Hardware_Code"))
        },
        Entry(code: HCIEvent.Code.leMeta, name: "LE Meta", minimumSize: 1) { reader throws(HCIDecodingError) in
            try decodeLEMeta(&reader)
        },
    ]

    struct SubeventEntry: Sendable {
        let code: UInt8
        let name: String
        /// Bytes each report needs before its variable-length data.
        let fixedReportSize: Int
        let kind: LEAdvertisingReport.Kind
    }

    static let subevents: [SubeventEntry] = [
        SubeventEntry(code: LEMetaEvent.Subevent.advertisingReport, name: "LE Advertising Report", fixedReportSize: 10, kind: .legacy),
        SubeventEntry(code: LEMetaEvent.Subevent.directedAdvertisingReport, name: "LE Directed Advertising Report", fixedReportSize: 16, kind: .directed),
        SubeventEntry(code: LEMetaEvent.Subevent.extendedAdvertisingReport, name: "LE Extended Advertising Report", fixedReportSize: 24, kind: .extended),
    ]

    /// Event entries indexed by code, so lookup costs one array access.
    static let table: [Entry?] = {
        var table = [Entry?](repeating: nil, count: 256)
        for entry in events { table[Int(entry.code)] = entry }
        return table
    }()

    static let subeventTable: [SubeventEntry?] = {
        var table = [SubeventEntry?](repeating: nil, count: 256)
        for entry in subevents { table[Int(entry.code)] = entry }
        return table
    }()

    /// The event's name, for logs.
    public static func name(ofEvent code: UInt8) -> String {
        table[Int(code)]?.name ?? "Event 0x\(String(code, radix: 16))"
    }

    /// Decodes one event packet: Event_Code, Parameter_Total_Length, then exactly that many
    /// parameter bytes.
    public static func decode(_ packet: ByteBuffer) throws(HCIDecodingError) -> HCIEvent {
        let (code, parameters) = try split(packet)
        guard let entry = table[Int(code)] else { return .unknown(code: code, parameters: parameters) }
        var reader = PacketReader(parameters, base: 2, context: entry.name)
        try HCIDecodingError.require(entry.minimumSize, available: parameters.readableBytes, at: 2, in: entry.name, field: "parameters")
        return try entry.decode(&reader)
    }

    /// Calls `body` for each advertising report in an LE Meta event packet without building
    /// arrays; other events are ignored. This is the hot path of every capture source.
    public static func forEachAdvertisingReport(
        inEvent packet: ByteBuffer, _ body: (LEAdvertisingReport) -> Void
    ) throws(HCIDecodingError) {
        // Read in place (no slice): Event_Code, Parameter_Total_Length, Subevent_Code.
        let start = packet.readerIndex
        guard packet.readableBytes >= 3,
              packet.getInteger(at: start, as: UInt8.self) == HCIEvent.Code.leMeta,
              let entry = subeventEntry(packet.getInteger(at: start + 2, as: UInt8.self)!) else {
            if packet.readableBytes < 3 { _ = try split(packet) }
            return
        }
        let length = Int(packet.getInteger(at: start + 1, as: UInt8.self)!)
        guard packet.readableBytes - 2 == length else { _ = try split(packet); return }
        var reader = PacketReader(packet, base: 0, context: entry.name)
        reader.offset = 3
        try forEachReport(&reader, entry: entry, body)
    }

    static func subeventEntry(_ code: UInt8) -> SubeventEntry? { subeventTable[Int(code)] }

    static func split(_ packet: ByteBuffer) throws(HCIDecodingError) -> (UInt8, ByteBuffer) {
        try HCIDecodingError.require(2, available: packet.readableBytes, at: 0, in: "HCI event", field: "header")
        let code = packet.getInteger(at: packet.readerIndex, as: UInt8.self)!
        let length = Int(packet.getInteger(at: packet.readerIndex + 1, as: UInt8.self)!)
        let available = packet.readableBytes - 2
        guard available == length else {
            throw HCIDecodingError(
                context: name(ofEvent: code),
                message: "Parameter_Total_Length says \(length) bytes but the packet has \(available)",
                offset: 1
            )
        }
        return (code, packet.getSlice(at: packet.readerIndex + 2, length: length)!)
    }

    static func decodeLEMeta(_ reader: inout PacketReader) throws(HCIDecodingError) -> HCIEvent {
        let subevent = try reader.u8("Subevent_Code")
        guard let entry = subeventEntry(subevent) else {
            return .leMeta(.unknown(subevent: subevent, parameters: reader.rest()))
        }
        var reports: [LEAdvertisingReport] = []
        var sub = PacketReader(reader.buffer, base: reader.base, context: entry.name)
        sub.offset = reader.offset
        try forEachReport(&sub, entry: entry) { reports.append($0) }
        switch entry.kind {
        case .legacy: return .leMeta(.advertisingReports(reports))
        case .directed: return .leMeta(.directedAdvertisingReports(reports))
        case .extended: return .leMeta(.extendedAdvertisingReports(reports))
        }
    }

    static func forEachReport(
        _ reader: inout PacketReader, entry: SubeventEntry, _ body: (LEAdvertisingReport) -> Void
    ) throws(HCIDecodingError) {
        let count = try reader.u8("Num_Reports")
        guard count > 0 else {
            throw HCIDecodingError(context: entry.name, message: "Num_Reports is 0", offset: reader.offset - 1)
        }
        for _ in 0..<count {
            try HCIDecodingError.require(entry.fixedReportSize, available: reader.remaining, at: reader.offset, in: entry.name, field: "report")
            switch entry.kind {
            case .legacy: body(try legacyReport(&reader))
            case .directed: body(try directedReport(&reader))
            case .extended: body(try extendedReport(&reader))
            }
        }
        if reader.remaining != 0 {
            throw HCIDecodingError(context: entry.name, message: "\(reader.remaining) bytes left after the last report", offset: reader.offset)
        }
    }

    static func rssi(_ raw: UInt8) -> Int8? { raw == 127 ? nil : Int8(bitPattern: raw) }

    /// Event_Type, Address_Type, Address, Data_Length, Data, RSSI (Vol 4 Part E 7.7.65.2).
    static func legacyReport(_ reader: inout PacketReader) throws(HCIDecodingError) -> LEAdvertisingReport {
        let eventType = try reader.u8("Event_Type")
        let addressType = try reader.u8("Address_Type")
        let address = try reader.address("Address")
        let length = try reader.u8("Data_Length")
        if length > 31 {
            throw HCIDecodingError(context: reader.context, message: "Data_Length \(length) exceeds 31", offset: reader.offset - 1)
        }
        let data = try reader.bytes(Int(length), "Data")
        let rssi = try reader.u8("RSSI")
        return LEAdvertisingReport(
            kind: .legacy, eventType: UInt16(eventType), addressType: AddressType(rawValue: addressType),
            address: address, rssi: Self.rssi(rssi), data: data
        )
    }

    /// Event_Type, Address_Type, Address, Direct_Address_Type, Direct_Address, RSSI (7.7.65.11).
    static func directedReport(_ reader: inout PacketReader) throws(HCIDecodingError) -> LEAdvertisingReport {
        let eventType = try reader.u8("Event_Type")
        let addressType = try reader.u8("Address_Type")
        let address = try reader.address("Address")
        let directType = try reader.u8("Direct_Address_Type")
        let direct = try reader.address("Direct_Address")
        let rssi = try reader.u8("RSSI")
        return LEAdvertisingReport(
            kind: .directed, eventType: UInt16(eventType), addressType: AddressType(rawValue: addressType),
            address: address, rssi: Self.rssi(rssi), directAddressType: AddressType(rawValue: directType),
            directAddress: direct
        )
    }

    /// Event_Type (2), Address_Type, Address, Primary_PHY, Secondary_PHY, Advertising_SID,
    /// TX_Power, RSSI, Periodic_Advertising_Interval (2), Direct_Address_Type, Direct_Address,
    /// Data_Length, Data (7.7.65.13).
    static func extendedReport(_ reader: inout PacketReader) throws(HCIDecodingError) -> LEAdvertisingReport {
        let rawEventType = try reader.u16("Event_Type")
        let addressType = try reader.u8("Address_Type")
        let address = try reader.address("Address")
        let primaryPHY = try reader.u8("Primary_PHY")
        let secondaryPHY = try reader.u8("Secondary_PHY")
        let sid = try reader.u8("Advertising_SID")
        let txPower = try reader.u8("TX_Power")
        let rssi = try reader.u8("RSSI")
        let interval = try reader.u16("Periodic_Advertising_Interval")
        let directType = try reader.u8("Direct_Address_Type")
        let direct = try reader.address("Direct_Address")
        let length = try reader.u8("Data_Length")
        let data = try reader.bytes(Int(length), "Data")
        let eventType = ExtendedAdvertisingEventType(masking: rawEventType)
        let isDirected = eventType.contains(.directed)
        return LEAdvertisingReport(
            kind: .extended, eventType: eventType.rawValue, rawEventType: rawEventType,
            addressType: AddressType(rawValue: addressType), address: address, rssi: Self.rssi(rssi),
            txPower: Self.rssi(txPower), primaryPHY: primaryPHY, secondaryPHY: secondaryPHY,
            advertisingSID: sid, periodicAdvertisingInterval: interval,
            directAddressType: isDirected ? AddressType(rawValue: directType) : nil,
            directAddress: isDirected ? direct : nil, data: data
        )
    }
}
