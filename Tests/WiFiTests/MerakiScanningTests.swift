import FootfallCore
import FootfallTesting
import Foundation
import Testing
@testable import WiFi

@Suite struct MerakiScanningTests {
    /// The two real webhook bodies; without ../shared/datasets each test fails naming the file
    /// rather than the run crashing on an empty list.
    static let bodies: [[UInt8]] = {
        let url = Fixtures.dataset("meraki-scanning-v3/webhook-bodies.jsonl")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { Array($0.utf8) }
    }()

    static func body(_ index: Int) throws -> [UInt8] {
        try #require(bodies.count == 2, "\(Fixtures.dataset("meraki-scanning-v3/webhook-bodies.jsonl").path) is missing or not two bodies")
        return bodies[index]
    }

    static func epoch(_ text: String) -> Double {
        ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970
    }

    @Test func realWiFiBodyDecodesToEightNearestAPObservations() throws {
        let report = try MerakiScanningReport(decoding: Self.body(0), sharedSecret: "fs!24Get")
        #expect(report.version == "3.0")
        #expect(report.kind == .wifi)
        #expect(report.networkID == "L_674976994152158449")
        let ap: SensorID = "a8:46:9d:27:56:63"
        let expected: [Observation] = [
            ("34:7e:5c:3f:b9:db", "2021-11-23T14:01:49Z", -60.0),
            ("3c:e1:a1:ad:ea:18", "2021-11-23T14:01:17Z", -76),
            ("28:16:ad:db:b7:12", "2021-11-23T14:01:42Z", -92),
            ("d0:df:9a:d4:18:0a", "2021-11-23T14:01:42Z", -90),
            ("00:0e:58:7f:79:4b", "2021-11-23T14:01:42Z", -86),
            ("f0:79:60:86:03:b7", "2021-11-23T14:01:43Z", -88),
            ("a4:38:cc:8c:fe:c9", "2021-11-23T14:01:32Z", -86),
            ("c8:14:51:98:20:e7", "2021-11-23T14:01:38Z", -89),
        ].map { mac, time, rssi in
            Observation(time: Self.epoch(time), sensor: ap, device: DeviceID("wifi:\(mac)"), rssi: rssi, radio: .wifi)
        }
        #expect(report.observations == expected)
        #expect(report.clients.map(\.manufacturer) == ["Sonos", "Universal Global...", "Intel", "Lite-On", "Sonos", "Apple", "Nintendo", "Huawei Technologies"])
    }

    /// Meraki does not say whether a Bluetooth client's address is public or random: like an
    /// MQTT node's, it is stable only when its top bits say static random.
    @Test func realBluetoothBodyKeepsTheRawAdvertisementAndMapsToBLEAddress() throws {
        let report = try MerakiScanningReport(decoding: Self.body(1), sharedSecret: "fs!24Get")
        #expect(report.kind == .bluetooth)
        #expect(report.observations == [
            Observation(time: Self.epoch("2021-11-23T14:07:40Z"), sensor: "a8:46:9d:27:56:63", device: "ble-rpa:24:fc:e5:90:97:4d", rssi: -93, radio: .ble),
        ])
        let beacon = try #require(report.clients.first?.bleBeacons.first)
        #expect(beacon.bleType == "unknown")
        #expect(beacon.rawAdvertisement == [
            0x1B, 0xFF,                                     // AD length 27, Manufacturer Specific Data
            0x75, 0x00,                                     // company 0x0075 (Samsung)
            0x42, 0x04, 0x01, 0x80, 0x60, 0x24, 0xFC, 0xE5, 0x90, 0x97, 0x4D, 0x26, 0xFC, 0xE5, 0x90, 0x97,
            0x4C, 0x01, 0x4A, 0x0A, 0x00, 0x00, 0x00, 0x00,
        ])
    }

    @Test func typeBLEFromMerakisChangelogReadsAsBluetooth() throws {
        let body = #"{"version":"3.0","secret":"s","type":"BLE","data":{"observations":[{"clientMac":"24:fc:e5:90:97:4d","latestRecord":{"time":"2021-11-23T14:07:40Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-93}}]}}"#
        let report = try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: "s")
        #expect(report.observations.map(\.device) == ["ble-rpa:24:fc:e5:90:97:4d"])
        let staticRandom = try MerakiScanningReport(decoding: Array(body.replacingOccurrences(of: "24:fc", with: "c4:fc").utf8), sharedSecret: "s")
        #expect(staticRandom.observations.map(\.device) == ["ble:c4:fc:e5:90:97:4d"])
        #expect(staticRandom.observations.allSatisfy { $0.device.isStable } && !report.observations.contains { $0.device.isStable })
    }

    @Test func aDifferentSharedSecretIsRefusedWithATypedError() {
        #expect(throws: MerakiError.secretMismatch) { try MerakiScanningReport(decoding: Self.body(0), sharedSecret: "other") }
        #expect(throws: Never.self) { try MerakiScanningReport(decoding: Self.body(0), sharedSecret: nil) }
    }

    @Test func nearestApRssiAsAStringIsAcceptedAsTheDocumentationShows() throws {
        let body = #"{"version":"3.0","secret":"s","type":"WiFi","data":{"networkId":"N","observations":[{"clientMac":"AA:BB:CC:00:11:22","locations":[],"latestRecord":{"time":"2021-11-23T14:01:49.5Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":"-71"}}]}}"#
        let report = try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: "s")
        #expect(report.observations == [
            Observation(time: Self.epoch("2021-11-23T14:01:49Z") + 0.5, sensor: "a8:46:9d:27:56:63", device: "wifi:aa:bb:cc:00:11:22", rssi: -71, radio: .wifi),
        ])
    }

    @Test func rssiRecordsGiveOneObservationPerAccessPoint() throws {
        let body = #"""
        {"version":"3.0","secret":"s","type":"WiFi","data":{"networkId":"N","observations":[{"clientMac":"aa:bb:cc:00:11:22",
         "latestRecord":{"time":"2021-11-23T14:01:49Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-60},
         "locations":[{"time":"2021-11-23T14:01:40Z","lat":37.4,"lng":-122.1,"variance":3.2,
           "rssiRecords":[{"apMac":"a8:46:9d:27:56:63","rssi":-61},{"apMac":"a8:46:9d:27:56:64","rssi":"-77"}]}]}]}}
        """#
        let report = try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: nil)
        let t = Self.epoch("2021-11-23T14:01:40Z")
        #expect(report.observations == [
            Observation(time: t, sensor: "a8:46:9d:27:56:63", device: "wifi:aa:bb:cc:00:11:22", rssi: -61, radio: .wifi),
            Observation(time: t, sensor: "a8:46:9d:27:56:64", device: "wifi:aa:bb:cc:00:11:22", rssi: -77, radio: .wifi),
        ])
    }

    @Test func version2DevicesSeenUsesTheReportingAPAndConvertsPositiveRSSIToDBm() throws {
        let body = #"{"version":"2.0","secret":"s","type":"DevicesSeen","data":{"apMac":"00:18:0a:13:dd:b0","apFloors":[],"apTags":[],"observations":[{"ipv4":null,"location":{"lat":51.5,"lng":-0.1,"unc":49.0},"seenTime":"2016-09-24T00:06:43Z","ssid":null,"os":null,"clientMac":"00:26:ab:b8:a9:a5","seenEpoch":1474675603,"rssi":24,"ipv6":null,"manufacturer":"Seiko Epson"}]}}"#
        let report = try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: "s")
        #expect(report.observations == [
            Observation(time: 1_474_675_603, sensor: "00:18:0a:13:dd:b0", device: "wifi:00:26:ab:b8:a9:a5", rssi: -71, radio: .wifi),
        ])
        // 0 dB above the noise floor is the floor, not 0 dBm (a client under the access point).
        let floor = body.replacingOccurrences(of: #""rssi":24"#, with: #""rssi":0"#)
        #expect(try MerakiScanningReport(decoding: Array(floor.utf8), sharedSecret: "s").observations.map(\.rssi) == [-95])
    }

    @Test(arguments: [
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[{"clientMac":"zz"}]}}"#, "data.observations[0].clientMac: a value of 2 characters that is not a MAC address (six pairs of hex digits joined by colons)"),
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[{"clientMac":"dead-beef-0031"}]}}"#, "clientMac: a value of 14 characters that is not a MAC address"),
        (#"{"version":"3.0","type":"Bluetooth","data":{"observations":[{"clientMac":"24:fc:e5:90:97:4d","latestRecord":{"time":"2021-11-23T14:01:49Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-80},"bleBeacons":[{"rawData":"1bff7500420401806024fce590974d2"}]}]}}"#,
         "bleBeacons[0].rawData: a value of 31 characters that is not an even number of hex digits"),
        (#"{"version":"4.0","type":"WiFi","data":{"observations":[]}}"#, "version \"4.0\" is not supported"),
        (#"{"version":"2.0","type":"DevicesSeen","data":{"apMac":"00:18:0a:13:dd:b0","observations":[{"clientMac":"00:26:ab:b8:a9:a5","seenEpoch":1e308,"rssi":30}]}}"#,
         "data.observations[0].seenEpoch: 1e+308 is not a time in seconds since 1970"),
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[{"clientMac":"aa:bb:cc:00:11:22","latestRecord":{"time":"2026-02-31T14:01:49Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-80}}]}}"#,
         "latestRecord.time: \"2026-02-31T14:01:49Z\" is not an RFC 3339 time"),
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[{"clientMac":"aa:bb:cc:00:11:22","latestRecord":{"time":"2026-12-07T12:00:00+99:99","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-80}}]}}"#,
         "latestRecord.time: \"2026-12-07T12:00:00+99:99\" is not an RFC 3339 time"),
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[{"clientMac":"aa:bb:cc:00:11:22","latestRecord":{"time":"0000-01-01T00:00:00Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-80}}]}}"#,
         "latestRecord.time: "),
        (#"{"version":"3.0","type":"Zigbee","data":{"observations":[]}}"#, "type \"Zigbee\" is not supported"),
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[}"#, "byte 55: not JSON: unexpected '}'"),
        (#"{"version":"3.0","type":"WiFi","data":{"observations":[{"clientMac":"aa:bb:cc:00:11:22","locations":[],"latestRecord":{"time":"2021-11-23T14:01:49Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":"1e300"}}]}}"#,
         "data.observations[0].latestRecord.nearestApRssi: 1e+300 is not an RSSI a radio reports; give dBm between -128 and 20"),
        (#"{"version":"2.0","type":"DevicesSeen","data":{"apMac":"00:18:0a:13:dd:b0","observations":[{"seenTime":"2016-09-24T00:06:43Z","clientMac":"00:26:ab:b8:a9:a5","seenEpoch":1474675603,"rssi":140}]}}"#,
         "data.observations[0].rssi: 45 is not an RSSI a radio reports"),
    ])
    func malformedBodiesSayWhatAndWhere(body: String, message: String) throws {
        // A broken envelope refuses the report; a broken client is left out of it, said as the
        // report's first skipped client.
        let problem: MerakiError
        do {
            let report = try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: nil)
            #expect(report.clients.isEmpty && report.skippedClients == 1, "\(body)")
            problem = try #require(report.firstSkipped)
        } catch let error as MerakiError {
            problem = error
        }
        #expect(problem.description.contains(message), "\(problem)")
        #expect(!problem.description.contains("dead-beef") && !problem.description.contains("24fce5"), "\(problem)")
    }

    /// Meraki sends a refused report again as it was: one client it reported badly would lose
    /// the minute of every other client for good (audit). It is left out, and counted.
    @Test func aBrokenClientIsLeftOutAndTheRestOfTheReportTaken() throws {
        let good = #"{"clientMac":"aa:bb:cc:00:11:22","latestRecord":{"time":"2021-11-23T14:01:49Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":-80}}"#
        let noSignal = #"{"clientMac":"aa:bb:cc:00:11:23","latestRecord":{"time":"2021-11-23T14:01:49Z","nearestApMac":"a8:46:9d:27:56:63","nearestApRssi":null}}"#
        let body = #"{"version":"3.0","type":"WiFi","data":{"observations":["# + [good, noSignal, good].joined(separator: ",") + "]}}"
        let report = try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: nil)
        #expect(report.clients.count == 2)
        #expect(report.skippedClients == 1)
        #expect(report.firstSkipped?.description.contains("data.observations[1].latestRecord.nearestApRssi: missing") == true, "\(String(describing: report.firstSkipped))")
    }

    @Test func aVersionIsItsMajorNumberExactlyAndMustBeAString() throws {
        for (version, message) in [(#""30""#, #"version "30" is not supported"#), ("3.0", "version: not a string")] {
            let body = #"{"version":"# + version + #","type":"WiFi","data":{"observations":[]}}"#
            let error = try #require(throws: MerakiError.self) { try MerakiScanningReport(decoding: Array(body.utf8), sharedSecret: nil) }
            #expect(error.description.contains(message), "\(error)")
        }
        let minor = #"{"version":"3.1","type":"WiFi","data":{"observations":[]}}"#
        #expect(try MerakiScanningReport(decoding: Array(minor.utf8), sharedSecret: nil).kind == .wifi)
    }

    @Test func rfc3339TimesWithOffsetsMatchFoundation() {
        for text in ["2021-11-23T14:01:49Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59+02:00", "2024-12-31T00:00:00-05:30"] {
            #expect(ISO8601Time.seconds(text) == Self.epoch(text), "\(text)")
        }
        #expect(ISO8601Time.seconds("2021-13-01T00:00:00Z") == nil)
    }
}

@Suite struct MerakiTruncationTests {
    /// Fed short, as a broken upload would deliver them: every prefix of the real bodies
    /// is refused with an offset inside what was received, never a crash.
    @Test func everyTruncationOfTheRealBodiesIsRefusedWithAByteOffset() async throws {
        let bodies = try [MerakiScanningTests.body(0), MerakiScanningTests.body(1)]
        await onAThreadOfItsOwn {
            for body in bodies {
                for length in 0..<body.count {
                    do throws(MerakiError) {
                        _ = try MerakiScanningReport(decoding: body.prefix(length), sharedSecret: nil)
                        Issue.record("a \(length)-byte prefix decoded")
                    } catch {
                        guard case .malformedJSON(let offset, _) = error else {
                            Issue.record("\(length): \(error)")
                            continue
                        }
                        #expect(offset <= length)
                    }
                }
            }
        }
    }

    @Test func tenThousandMutatedBodiesNeverCrash() async throws {
        let bodies = try [MerakiScanningTests.body(0), MerakiScanningTests.body(1)]
        var random = SplitMix64(seed: 0x4D65_7261_6B69)  // "Meraki"
        var refused = 0
        await onAThreadOfItsOwn {
            for round in 0..<10_000 {
                var body = bodies[round % 2]
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    body[Int.random(in: 0..<body.count, using: &random)] = UInt8.random(in: 0x20...0x7E, using: &random)
                }
                if (try? MerakiScanningReport(decoding: body, sharedSecret: "fs!24Get")) == nil { refused += 1 }
            }
        }
        #expect(refused > 0)
    }
}
