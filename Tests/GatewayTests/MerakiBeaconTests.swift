import Gateway
import FootfallCore
import FootfallTesting
import Foundation
import Testing
import WiFi

/// Meraki's Bluetooth bodies carry each client's raw advertisement; the BLE module decodes it so
/// a loyalty beacon is identified by its beacon id, not by the rotating address Meraki saw.
@Suite struct MerakiBeaconTests {
    static func body(rawData: String) -> [UInt8] {
        Array("""
            {"version":"3.0","secret":"s","type":"Bluetooth","data":{"networkId":"N_1","observations":[
            {"clientMac":"4a:11:22:33:44:55","latestRecord":{"time":"2026-01-05T09:00:00Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-61},
             "bleBeacons":[{"rawData":"\(rawData)","bleType":"iBeacon"}]}]}}
            """.utf8)
    }

    @Test func anIBeaconInTheRawAdvertisementBecomesTheDeviceIDWithItsMeasuredPower() throws {
        // Flags, then Apple's iBeacon: UUID f7826da6-…-bc5b71e0893e, major 1, minor 7, power −59 (0xc5).
        let raw = "020106" + "1aff4c000215" + "f7826da64fa24e988024bc5b71e0893e" + "0001" + "0007" + "c5"
        let report = try MerakiScanningReport(decoding: Self.body(rawData: raw), sharedSecret: "s")
        let observations = report.observationsWithBeacons
        #expect(observations.count == 1)
        #expect(observations[0].device == DeviceID.ibeacon(uuid: "f7826da6-4fa2-4e98-8024-bc5b71e0893e", major: 1, minor: 7))
        #expect(observations[0].txPower == -59)
        #expect(observations[0].rssi == -61)
        #expect(observations[0].sensor == "a8:46:9d:27:56:63")
    }

    @Test func theRealBluetoothBodyWithoutABeaconKeepsTheClientsAddress() throws {
        let lines = try String(contentsOf: Fixtures.dataset("meraki-scanning-v3/webhook-bodies.jsonl"), encoding: .utf8).split(separator: "\n")
        let bluetooth = try #require(lines.first { $0.contains("\"type\":\"Bluetooth\"") })
        let report = try MerakiScanningReport(decoding: Array(bluetooth.utf8), sharedSecret: nil)
        // Its raw data is Samsung manufacturer data (company 0x0075), not a beacon.
        let observations = report.observationsWithBeacons
        #expect(!observations.isEmpty)
        #expect(observations.allSatisfy { $0.device == "ble-rpa:24:fc:e5:90:97:4d" && $0.txPower == nil })
        #expect(observations == report.observations)
    }
}
