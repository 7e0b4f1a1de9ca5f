import BLE
import NIOCore
import Testing

@Suite struct HCICodecTests {
    @Test func commandsEncodeAsTheSpecificationLaysThemOut() {
        #expect(HCICommand.reset.h4Bytes == [0x01, 0x03, 0x0C, 0x00])
        #expect(HCICommand.readLocalVersionInformation.h4Bytes == [0x01, 0x01, 0x10, 0x00])
        #expect(HCICommand.readBDADDR.h4Bytes == [0x01, 0x09, 0x10, 0x00])
        #expect(HCICommand.readLocalSupportedCommands.h4Bytes == [0x01, 0x02, 0x10, 0x00])
        #expect(HCICommand.leReadLocalSupportedFeatures.h4Bytes == [0x01, 0x03, 0x20, 0x00])
        #expect(HCICommand.setEventMask().h4Bytes == [0x01, 0x01, 0x0C, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00, 0x20])
        #expect(HCICommand.leSetEventMask().h4Bytes == [0x01, 0x01, 0x20, 0x08, 0x02, 0x14, 0, 0, 0, 0, 0, 0])
        // Passive, interval 0x0010, window 0x0010, public own address, accept all.
        #expect(HCICommand.leSetScanParameters().h4Bytes == [0x01, 0x0B, 0x20, 0x07, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00])
        #expect(HCICommand.leSetScanEnable(true).h4Bytes == [0x01, 0x0C, 0x20, 0x02, 0x01, 0x00])
        #expect(HCICommand.leSetExtendedScanParameters().h4Bytes
                == [0x01, 0x41, 0x20, 0x08, 0x00, 0x00, 0x01, 0x00, 0x10, 0x00, 0x10, 0x00])
        #expect(HCICommand.leSetExtendedScanEnable(true).h4Bytes == [0x01, 0x42, 0x20, 0x06, 0x01, 0x00, 0, 0, 0, 0])
    }

    @Test func aCommandDecodesBackToItself() throws {
        let command = HCICommand.leSetScanParameters(active: true, interval: 0x60, window: 0x30)
        let decoded = try HCICommand.decode(ByteBuffer(bytes: command.h4Bytes.dropFirst()))
        #expect(decoded == command)
    }

    @Test func commandCompleteCarriesOpcodeStatusAndReturnParameters() throws {
        // Read BD_ADDR complete: 1 packet, opcode 0x1009, status 0, address.
        let bytes: [UInt8] = [0x0E, 0x0A, 0x01, 0x09, 0x10, 0x00, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]
        guard case .commandComplete(let complete) = try HCIEventDecoder.decode(ByteBuffer(bytes: bytes)) else {
            Issue.record("not Command Complete"); return
        }
        #expect(complete.opcode == .readBDADDR)
        #expect(complete.status == .success)
        #expect(complete.returnParameters.readableBytes == 7)
    }

    @Test func commandStatusAndHardwareErrorDecode() throws {
        #expect(try HCIEventDecoder.decode(ByteBuffer(bytes: [0x0F, 0x04, 0x0C, 0x01, 0x0B, 0x20]))
                == .commandStatus(CommandStatus(status: .commandDisallowed, numHCICommandPackets: 1, opcode: .leSetScanParameters)))
        #expect(try HCIEventDecoder.decode(ByteBuffer(bytes: [0x10, 0x01, 0x42])) == .hardwareError(code: 0x42))
    }

    @Test func aLegacyReportDecodesAddressTypeDataAndRSSI() throws {
        let bytes: [UInt8] = [0x3E, 0x0F, 0x02, 0x01,
                              0x03,                               // Event_Type: ADV_NONCONN_IND
                              0x00,                               // Address_Type: public
                              0x06, 0x05, 0x04, 0x03, 0x02, 0x01, // Address
                              0x03, 0x02, 0x01, 0x06,             // Data_Length, Data (flags)
                              0xC5]                               // RSSI −59
        guard case .leMeta(.advertisingReports(let reports)) = try HCIEventDecoder.decode(ByteBuffer(bytes: bytes)) else {
            Issue.record("not an advertising report"); return
        }
        #expect(reports.count == 1)
        #expect(reports[0].address.description == "01:02:03:04:05:06")
        #expect(reports[0].addressType == .publicDevice)
        #expect(reports[0].rssi == -59)
        #expect(try AdvertisingData(parsing: reports[0].data).flags == 0x06)
    }

    @Test func aDirectedReportDecodes() throws {
        let bytes: [UInt8] = [0x3E, 0x12, 0x0B, 0x01, 0x01, 0x01, 1, 2, 3, 4, 5, 0x46, 0x01, 9, 8, 7, 6, 5, 0x44, 0xB0]
        guard case .leMeta(.directedAdvertisingReports(let reports)) = try HCIEventDecoder.decode(ByteBuffer(bytes: bytes)) else {
            Issue.record("not a directed report"); return
        }
        #expect(reports[0].directAddress?.description == "44:05:06:07:08:09")
        #expect(reports[0].rssi == -80)
    }

    @Test func aWrongParameterTotalLengthIsReportedAtByteOne() throws {
        let error = try #require(throws: HCIDecodingError.self) { try HCIEventDecoder.decode(ByteBuffer(bytes: [0x0E, 0x05, 0x01])) }
        #expect(error.description == "Command Complete: Parameter_Total_Length says 5 bytes but the packet has 1 at byte 1")
    }

    @Test func aTooShortCommandStatusNamesTheEventAndTheOffset() throws {
        let error = try #require(throws: HCIDecodingError.self) { try HCIEventDecoder.decode(ByteBuffer(bytes: [0x0F, 0x02, 0x00, 0x01])) }
        #expect(error.description == "Command Status: parameters needs 4 bytes but only 2 remain at byte 2")
    }

    @Test func unknownEventsAndSubeventsAreKeptNotRejected() throws {
        #expect(try HCIEventDecoder.decode(ByteBuffer(bytes: [0x05, 0x01, 0x00])) == .unknown(code: 0x05, parameters: ByteBuffer(bytes: [0x00])))
        #expect(try HCIEventDecoder.decode(ByteBuffer(bytes: [0x3E, 0x02, 0x01, 0x00])) == .leMeta(.unknown(subevent: 0x01, parameters: ByteBuffer(bytes: [0x00]))))
    }

    @Test func controllerInformationDecodesFromReturnParameters() throws {
        let version = LocalVersionInformation(hciVersion: 0x0B, hciRevision: 0x1234, lmpVersion: 0x0B, manufacturer: 0x000F, lmpSubversion: 0x4321)
        #expect(try LocalVersionInformation(returnParameters: ByteBuffer(bytes: version.returnParameters)) == version)
        var octets = [UInt8](repeating: 0, count: 64)
        octets[37] = 0b0110_0000
        #expect(try SupportedCommands(returnParameters: ByteBuffer(bytes: [0] + octets)).supportsExtendedScanning)
        #expect(try LEFeatures(returnParameters: ByteBuffer(bytes: [0, 0, 0x10, 0, 0, 0, 0, 0, 0])).extendedAdvertising)
    }
}
