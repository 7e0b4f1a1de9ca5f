import BLE
import NIOCore
import Testing

@Suite struct BtsnoopDatalinkTests {
    static let event: [UInt8] = [0x3E, 0x0C, 0x02, 0x01, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 0x00, 0xB5]
    static let command: [UInt8] = [0x03, 0x0C, 0x00]

    static func file(_ datalink: BtsnoopDatalink, _ records: [([UInt8], UInt32)]) -> ByteBuffer {
        var buffer = ByteBuffer()
        BtsnoopWriter.header(datalink: datalink, into: &buffer)
        for (index, (data, flags)) in records.enumerated() {
            BtsnoopWriter.record(data, flags: flags, time: 1_700_000_000 + Double(index) * 0.5, into: &buffer)
        }
        return buffer
    }

    @Test func unencapsulatedRecordsTakeTypeAndDirectionFromTheFlags() throws {
        let (datalink, records) = try BtsnoopParser.records(in: Self.file(.hciUnencapsulated, [(Self.command, 0b10), (Self.event, 0b11)]))
        let packets = records.compactMap { $0.packet(datalink: datalink) }
        #expect(packets.map(\.type) == [.command, .event])
        #expect(packets.map(\.direction) == [.hostToController, .controllerToHost])
        #expect(packets[1].time == 1_700_000_000.5)
    }

    @Test func monitorRecordsTakeTheOpcodeAndAdapterFromTheFlags() throws {
        // Opcode 3 (event) on hci1, a system note (12) that carries no HCI packet, opcode 2 (command).
        let (datalink, records) = try BtsnoopParser.records(in: Self.file(.linuxMonitor, [
            (Self.event, 1 << 16 | 3), (Array("note".utf8), 12), (Self.command, 2),
        ]))
        let packets = records.compactMap { $0.packet(datalink: datalink) }
        #expect(packets.map(\.type) == [.event, .command])
        #expect(packets[0].adapterIndex == 1)
        guard case .leMeta(.advertisingReports(let reports)) = try HCIEventDecoder.decode(packets[0].packet) else {
            Issue.record("not a report"); return
        }
        #expect(reports[0].rssi == -75)
    }

    @Test func aFileFedOneByteAtATimeGivesTheSameRecords() throws {
        let file = Self.file(.hciUART, [([0x04] + Self.event, 1), ([0x01] + Self.command, 0)])
        var parser = BtsnoopParser()
        var records: [BtsnoopRecord] = []
        for byte in file.readableBytesView {
            parser.feed([byte])
            while let record = try parser.next() { records.append(record) }
        }
        #expect(records == (try BtsnoopParser.records(in: file)).1)
    }

    /// BCSP and three-wire UART records are not read: taken, the capture gave nothing, unsaid.
    @Test func datalinksWhoseFramesAreNotReadAreRefusedAtTheHeader() throws {
        for datalink in [BtsnoopDatalink.hciBSCP, .hciSerialThreeWire] {
            let refused = try #require(throws: HCIDecodingError.self) { try BtsnoopParser.records(in: Self.file(datalink, [(Self.event, 3)])) }
            #expect(refused.offset == 12 && refused.description.contains("is not read"), "\(refused)")
        }
    }

    @Test func aBadMagicAndATruncatedRecordAreReportedWithTheirOffsets() throws {
        let bad = try #require(throws: HCIDecodingError.self) { try BtsnoopParser.records(in: ByteBuffer(bytes: Array("btsnoqp\0".utf8) + [0, 0, 0, 1, 0, 0, 3, 0xEA])) }
        #expect(bad.offset == 0)
        let file = Self.file(.hciUART, [([0x04] + Self.event, 1)])
        let truncated = try #require(throws: HCIDecodingError.self) { try BtsnoopParser.records(in: file.getSlice(at: 0, length: file.readableBytes - 3)!) }
        #expect(truncated.description == "btsnoop record 1: file ends 36 bytes into a record at byte 16")
    }
}
