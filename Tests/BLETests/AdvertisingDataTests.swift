import BLE
import FootfallCore
import NIOCore
import Testing

@Suite struct AdvertisingDataTests {
    @Test func flagsNamesTxPowerUUIDsServiceAndManufacturerDataAreDecoded() throws {
        let bytes: [UInt8] =
            [0x02, 0x01, 0x06]                                  // Flags: LE General, no BR/EDR
            + [0x04, 0x08] + Array("Tag".utf8)                  // Shortened Local Name
            + [0x06, 0x09] + Array("Tag-7".utf8)                // Complete Local Name
            + [0x02, 0x0A, 0xF4]                                // TX Power Level −12
            + [0x05, 0x03, 0x0F, 0x18, 0x0A, 0x18]              // 16-bit UUIDs 180F, 180A
            + [0x05, 0x05, 0x78, 0x56, 0x34, 0x12]              // 32-bit UUID 12345678
            + [0x11, 0x07] + Array(0x00...0x0F)                 // 128-bit UUID, little-endian
            + [0x04, 0x16, 0x0F, 0x18, 0x55]                    // Service data 180F: battery 85 %
            + [0x05, 0xFF, 0x59, 0x00, 0xAB, 0xCD]              // Manufacturer 0x0059 (Nordic)
            + [0x00, 0x00]                                      // padding
        let data = try AdvertisingData(parsing: bytes)
        #expect(data.flags == 0x06)
        #expect(data.shortenedLocalName == "Tag")
        #expect(data.localName == "Tag-7")
        #expect(data.txPowerLevel == -12)
        #expect(data.serviceUUIDs.map(\.description) == ["180f", "180a", "12345678", "0f0e0d0c-0b0a-0908-0706-050403020100"])
        #expect(data.serviceData == [.init(uuid: .bit16(0x180F), data: [0x55])])
        #expect(data.manufacturerData == [.init(companyIdentifier: 0x0059, data: [0xAB, 0xCD])])
        #expect(data.beacon == nil)
    }

    @Test func anADStructureRunningPastTheEndIsAnErrorAtItsLengthByte() throws {
        let error = try #require(throws: HCIDecodingError.self) { try AdvertisingData(parsing: [0x02, 0x01, 0x06, 0x09, 0x09, 0x41]) }
        #expect(error.offset == 3)
        #expect(error.description == "advertising data: AD structure of length 9 runs past the end (2 bytes left) at byte 3")
    }

    @Test func aUUIDListOfOddLengthIsAnError() {
        #expect(throws: HCIDecodingError.self) { try AdvertisingData(parsing: [0x04, 0x03, 0x0F, 0x18, 0x0A]) }
    }

    @Test func anIBeaconFrameGivesItsIdentityAndMeasuredPower() throws {
        let frame: [UInt8] = [0x1A, 0xFF, 0x4C, 0x00, 0x02, 0x15]
            + [0x49, 0x4E, 0x54, 0x45, 0x4C, 0x4C, 0x49, 0x5F, 0x52, 0x4F, 0x43, 0x4B, 0x53, 0x5F, 0x48, 0x57]
            + [0x50, 0x72, 0xF2, 0xFF, 0xC2]                    // major 20594, minor 62207, −62 dBm
        guard case .ibeacon(let beacon)? = try AdvertisingData(parsing: frame).beacon else { Issue.record("no iBeacon"); return }
        #expect(beacon.major == 20594 && beacon.minor == 62207 && beacon.measuredPower == -62)
        #expect(beacon.deviceID == "ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207")
    }

    @Test func anAltBeaconFrameGivesItsThreeIds() throws {
        let frame: [UInt8] = [0x1B, 0xFF, 0x18, 0x01, 0xBE, 0xAC]
            + Array(repeating: 0x11, count: 16) + [0x00, 0x01, 0x00, 0x02] + [0xC5, 0x00]
        guard case .altbeacon(let beacon)? = try AdvertisingData(parsing: frame).beacon else { Issue.record("no AltBeacon"); return }
        #expect(beacon.companyIdentifier == 0x0118)
        #expect(beacon.referenceRSSI == -59)
        #expect(beacon.deviceID == "altbeacon:11111111-1111-1111-1111-111111111111:1:2")
    }

    @Test func eddystoneUIDURLTLMAndEIDFramesDecode() throws {
        let uid: [UInt8] = [0x17, 0x16, 0xAA, 0xFE, 0x00, 0xEE] + Array(1...10) + [0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6] + [0, 0]
        let url: [UInt8] = [0x0D, 0x16, 0xAA, 0xFE, 0x10, 0xEB, 0x01] + Array("goo.gl".utf8) + [0x07]
        let tlm: [UInt8] = [0x11, 0x16, 0xAA, 0xFE, 0x20, 0x00, 0x0B, 0xB8, 0x17, 0x80, 0, 0, 0x01, 0x00, 0, 0, 0x02, 0x00]
        let eid: [UInt8] = [0x0D, 0x16, 0xAA, 0xFE, 0x30, 0xEE, 1, 2, 3, 4, 5, 6, 7, 8]
        let uidBeacon = try AdvertisingData(parsing: uid).beacon
        #expect(uidBeacon?.deviceID == "eddystone:0102030405060708090a:a1a2a3a4a5a6")
        #expect(uidBeacon?.txPowerAt1m == -18 - 41)
        #expect(try AdvertisingData(parsing: url).beacon == .eddystone(.url(txPowerAt0m: -21, url: "https://www.goo.gl.com")))
        guard case .eddystone(.tlm(let telemetry))? = try AdvertisingData(parsing: tlm).beacon else { Issue.record("no TLM"); return }
        #expect(telemetry.batteryMillivolts == 3000)
        #expect(telemetry.temperatureCelsius == 23.5)
        #expect(telemetry.advertisementCount == 256 && telemetry.deciseconds == 512)
        #expect(try AdvertisingData(parsing: eid).beacon == .eddystone(.eid(txPowerAt0m: -18, eid: 0x0102030405060708)))
        #expect(try AdvertisingData(parsing: eid).beacon?.deviceID == nil)
    }
}
