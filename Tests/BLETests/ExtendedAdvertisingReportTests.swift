import BLE
import FootfallCore
import NIOCore
import Testing

/// Vectors written from the Core Specification, Vol 4 Part E 7.7.65.13 (LE Extended Advertising
/// Report event), field by field.
@Suite struct ExtendedAdvertisingReportTests {
    /// One report: the event type as given, a random address C0:11:22:33:44:55, LE 1M primary,
    /// LE 2M secondary, SID 3, TX power −4 dBm, RSSI −67 dBm, and `data`.
    static func event(eventType: UInt16, rssi: UInt8 = 0xBD, txPower: UInt8 = 0xFC, data: [UInt8]) -> [UInt8] {
        let report: [UInt8] =
            [UInt8(eventType & 0xFF), UInt8(eventType >> 8)]   // Event_Type
            + [0x01]                                           // Address_Type: random
            + [0x55, 0x44, 0x33, 0x22, 0x11, 0xC0]             // Address
            + [0x01]                                           // Primary_PHY: LE 1M
            + [0x02]                                           // Secondary_PHY: LE 2M
            + [0x03]                                           // Advertising_SID
            + [txPower]                                        // TX_Power
            + [rssi]                                           // RSSI
            + [0x00, 0x00]                                     // Periodic_Advertising_Interval
            + [0x00]                                           // Direct_Address_Type
            + [0, 0, 0, 0, 0, 0]                               // Direct_Address
            + [UInt8(data.count)] + data                       // Data_Length, Data
        let parameters: [UInt8] = [0x0D, 0x01] + report        // Subevent_Code, Num_Reports
        return [0x3E, UInt8(parameters.count)] + parameters    // LE Meta, Parameter_Total_Length
    }

    static let name: [UInt8] = [0x05, 0x09] + Array("Tag1".utf8)

    static func decode(_ bytes: [UInt8]) throws -> [LEAdvertisingReport] {
        guard case .leMeta(.extendedAdvertisingReports(let reports)) = try HCIEventDecoder.decode(ByteBuffer(bytes: bytes)) else {
            Issue.record("not an extended advertising report")
            return []
        }
        return reports
    }

    @Test func aConnectableScannableUndirectedReportDecodesEveryField() throws {
        let reports = try Self.decode(Self.event(eventType: 0x0003, data: Self.name))
        let report = try #require(reports.first)
        #expect(reports.count == 1)
        #expect(report.kind == .extended)
        #expect(report.extendedEventType == [.connectable, .scannable])
        #expect(report.extendedEventType.dataStatus == .complete)
        #expect(report.addressType == .randomDevice)
        #expect(report.address.description == "c0:11:22:33:44:55")
        #expect(report.primaryPHY == 1 && report.secondaryPHY == 2 && report.advertisingSID == 3)
        #expect(report.txPower == -4)
        #expect(report.rssi == -67)
        #expect(report.directAddress == nil)
        #expect(try AdvertisingData(parsing: report.data).completeLocalName == "Tag1")
    }

    @Test func aLegacyPDUReportedAsExtendedKeepsItsLegacyBit() throws {
        // 0x0013: legacy ADV_IND (connectable, scannable, legacy).
        let report = try #require(try Self.decode(Self.event(eventType: 0x0013, data: [])).first)
        #expect(report.extendedEventType == [.connectable, .scannable, .legacy])
    }

    @Test(arguments: [UInt16(0xFF80), 0x0080, 0x8000, 0x1F93])
    func reservedEventTypeBitsAreMaskedNotRejected(raw: UInt16) throws {
        let report = try #require(try Self.decode(Self.event(eventType: raw, data: Self.name)).first)
        #expect(report.rawEventType == raw)
        #expect(report.eventType == raw & 0x007F)
        #expect(report.rssi == -67)
    }

    @Test func dataStatusIncompleteTruncatedIsReadFromBitsFiveAndSix() throws {
        let report = try #require(try Self.decode(Self.event(eventType: 0x0040, data: [])).first)
        #expect(report.extendedEventType.dataStatus == .incompleteTruncated)
    }

    @Test func rssiAndTxPowerOf127MeanNotAvailable() throws {
        let report = try #require(try Self.decode(Self.event(eventType: 0, rssi: 0x7F, txPower: 0x7F, data: [])).first)
        #expect(report.rssi == nil)
        #expect(report.txPower == nil)
    }

    @Test func aDirectedReportCarriesTheDirectAddress() throws {
        var bytes = Self.event(eventType: 0x0004, data: [])
        bytes[20] = 0x01                                          // Direct_Address_Type: random
        bytes.replaceSubrange(21..<27, with: [1, 2, 3, 4, 5, 0x46]) // Direct_Address
        let report = try #require(try Self.decode(bytes).first)
        #expect(report.directAddressType == .randomDevice)
        #expect(report.directAddress?.description == "46:05:04:03:02:01")
    }

    /// An advertisement the controller reports in parts ("incomplete, more data to come", then
    /// complete) is one observation of what the whole says: an iBeacon split over two reports
    /// was two plain ones, neither the beacon (audit).
    @Test func anAdvertisementReportedInPartsIsOneObservationOfTheWhole() throws {
        let uuid: [UInt8] = [0xF7, 0x82, 0x6D, 0xA6, 0x4F, 0xA2, 0x4E, 0x98, 0x80, 0x24, 0xBC, 0x5B, 0x71, 0xE0, 0x89, 0x3E]
        let ibeacon: [UInt8] = [0x1A, 0xFF, 0x4C, 0x00, 0x02, 0x15] + uuid + [0x00, 0x01, 0x00, 0x07, 0xC5]
        var converter = ObservationConverter(sensor: "s1")
        var observations: [Observation] = []
        for (status, part) in [(UInt16(0x20), Array(ibeacon.prefix(12))), (0x00, Array(ibeacon.dropFirst(12)))] {
            try converter.forEachObservation(inEvent: ByteBuffer(bytes: Self.event(eventType: 0x0001 | status, data: part)), time: 1) {
                observations.append($0)
            }
        }
        #expect(observations.map(\.device) == ["ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:7"])
        #expect(observations.first?.txPower == -59)
        // An advertisement whole in one report is as before.
        try converter.forEachObservation(inEvent: ByteBuffer(bytes: Self.event(eventType: 0x0001, data: ibeacon)), time: 2) { observations.append($0) }
        #expect(observations.count == 2 && observations[1].device == observations[0].device)
    }

    @Test func twoReportsInOneEventAreBothDecoded() throws {
        let one = Self.event(eventType: 0x0001, data: Self.name)
        let report = Array(one[4...])
        let parameters: [UInt8] = [0x0D, 0x02] + report + report
        let reports = try Self.decode([0x3E, UInt8(parameters.count)] + parameters)
        #expect(reports.count == 2)
    }

    @Test func aDataLengthPastTheEndIsAnErrorAtTheDataByte() throws {
        var bytes = Self.event(eventType: 0x0001, data: Self.name)
        bytes[27] = 0x20  // Data_Length claims 32 bytes, 6 remain
        let error = try #require(throws: HCIDecodingError.self) { try HCIEventDecoder.decode(ByteBuffer(bytes: bytes)) }
        #expect(error.context == "LE Extended Advertising Report")
        #expect(error.offset == 28)
        #expect(error.description == "LE Extended Advertising Report: Data needs 32 bytes but only 6 remain at byte 28")
    }
}
