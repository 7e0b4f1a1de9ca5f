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
        try forEachRawAdvertisingReport(inEvent: packet) { raw in body(LEAdvertisingReport(raw, in: packet)) }
    }

    static func forEachRawAdvertisingReport(
        inEvent packet: ByteBuffer, _ body: (RawAdvertisingReport) -> Void
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
        try AdvertisingReportDecoder.forEachRawReport(in: packet, at: 3, base: 0, entry: entry, body)
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
        try AdvertisingReportDecoder.forEachReport(
            in: reader.buffer, at: reader.offset - reader.base, base: reader.base, entry: entry
        ) { reports.append($0) }
        switch entry.kind {
        case .legacy: return .leMeta(.advertisingReports(reports))
        case .directed: return .leMeta(.directedAdvertisingReports(reports))
        case .extended: return .leMeta(.extendedAdvertisingReports(reports))
        }
    }

    static func rssi(_ raw: UInt8) -> Int8? { raw == 127 ? nil : Int8(bitPattern: raw) }
}
