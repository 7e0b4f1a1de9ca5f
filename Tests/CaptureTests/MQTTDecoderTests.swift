import BLE
import Capture
import FootfallCore
import FootfallTesting
import MQTT
import NIOCore
import Testing
import WiFi

/// The three MQTT formats decoded into observations, without a broker: each node's report as a
/// named vector, what it must become, and the one-line reason for what cannot be used.
@Suite struct MQTTDecoderTests {
    static let store: Set<SensorID> = ["s1", "s2", "s3"]
    static let loyaltyBeacon = DeviceID.ibeacon(uuid: "f7826da6-4fa2-4e98-8024-bc5b71e0893e", major: 1, minor: 7)

    static func decode(_ format: MQTTFormat, _ topic: String, _ payload: String, sensors: [String: SensorID] = ["kitchen": "s2", "OMG_ESP32": "s3"]) throws -> [Observation] {
        try MQTTObservationDecoder(format: format, sensors: sensors, storeSensors: store).decode(topic: topic, payload: Array(payload.utf8), time: 100)
    }

    static func problem(_ format: MQTTFormat, _ topic: String, _ payload: String) -> MQTTInputError? {
        do {
            _ = try decode(format, topic, payload)
            return nil
        } catch {
            return error as? MQTTInputError
        }
    }

    /// Each payload gives the same observations or the same problem as itself with a nested
    /// member added, which only the whole parser reads: the decoders' plain readers agree with it.
    static func expectPlainDecodesAsWhole(_ format: MQTTFormat, _ topic: String, _ payloads: [String]) throws {
        for payload in payloads {
            let brace = try #require(payload.firstIndex(of: "{"))
            let nested = String(payload[..<brace]) + #"{"extra":{"a":[1]},"# + String(payload[payload.index(after: brace)...])
            let plain = Result { try decode(format, topic, payload) }
            let whole = Result { try decode(format, topic, nested) }
            #expect("\(plain)" == "\(whole)", "\(payload)")
        }
    }

    /// Each payload, which only looks plain, is refused as the parser refuses it, at the same byte.
    static func expectRefusedAsTheParserRefuses(_ format: MQTTFormat, _ topic: String, _ payloads: [String]) throws {
        for bad in payloads {
            let expected: JSONValue.SyntaxError? = {
                do throws(JSONValue.SyntaxError) {
                    _ = try JSONValue.parse(Array(bad.utf8))
                    return nil
                } catch {
                    return error
                }
            }()
            let syntax = try #require(expected, "\(bad) is JSON")
            let refused = problem(format, topic, bad)
            #expect(refused?.reason == .notJSON, "\(bad)")
            #expect(refused?.message.hasPrefix("the payload is not JSON (byte \(syntax.offset): \(syntax.message))") == true, "\(bad): \(String(describing: refused))")
        }
    }

    // MARK: ESPresense

    @Test func anESPresenseIBeaconReportBecomesTheBeaconHeardByTheRoomsSensorWithItsMeasuredPower() throws {
        let observations = try Self.decode(.espresense, "espresense/devices/iBeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e-1-7/kitchen", """
            {"id":"iBeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e-1-7","idType":1,"rssi@1m":-59,"rssi":-72,"raw":3.1,"distance":2.8,"var":0.4,"int":1010,"mac":"4a1f22900c3e","close":false}
            """)
        #expect(observations == [Observation(time: 100, sensor: "s2", device: Self.loyaltyBeacon, rssi: -72, txPower: -59, radio: .ble)])
    }

    @Test func anESPresenseFingerprintIsNotADeviceItsMacIsAndAPrivateMacStaysRotating() throws {
        // apple:1007:11-12 is shared by every phone of that model: the mac is the device.
        let rotating = try Self.decode(.espresense, "espresense/devices/apple:1007:11-12/kitchen", #"{"id":"apple:1007:11-12","rssi@1m":-65,"rssi":-80,"mac":"4a1f22900c3e"}"#)
        #expect(rotating.map(\.device) == ["ble-rpa:4a:1f:22:90:0c:3e"])
        #expect(rotating[0].txPower == nil, "a node's default rssi@1m is not the phone's")
        // A static random address (top bits 11) is stable; a plain-MAC id is that address.
        let staticRandom = try Self.decode(.espresense, "espresense/devices/c41f22900c3e/s1", #"{"id":"c41f22900c3e","rssi":-60}"#)
        #expect(staticRandom.map(\.device) == ["ble:c4:1f:22:90:0c:3e"])
        #expect(staticRandom.map(\.sensor) == ["s1"], "a room named like a sensor is that sensor")
    }

    @Test func theOlderRoomsTopicAndEddystoneAndAltBeaconIdsAreRead() throws {
        let old = try Self.decode(.espresense, "espresense/rooms/kitchen", #"{"id":"eddy:edd1ebeac04e5defa017-0bdb87539b67","rssi":-70,"rssi@1m":-62}"#)
        #expect(old.map(\.device) == ["eddystone:edd1ebeac04e5defa017:0bdb87539b67"])
        let alt = try Self.decode(.espresense, "espresense/rooms/s3", #"{"id":"altBeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e-1-7","rssi":-70}"#)
        #expect(alt.map(\.device) == ["altbeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:7"])
    }

    /// What real firmware sends (ESPresense's `src/BleFingerprint.cpp`): from 3.0 on an
    /// Eddystone-UID namespace is printed with its fifth byte twice; early firmware wrote an
    /// iBeacon's uuid as 32 digits; an id that is a public address says so with `idType` 55.
    @Test func realESPresenseIdsTheDoubledEddystoneByteTheUndashedUUIDAndAPublicAddress() throws {
        let eddystone = try Self.decode(.espresense, "espresense/devices/eddy:edd1ebeac0c04e5defa017-0bdb87539b67/kitchen",
            #"{"mac":"e11f22900c3e","id":"eddy:edd1ebeac0c04e5defa017-0bdb87539b67","rssi@1m":-62,"rssi":-70}"#)
        #expect(eddystone.map(\.device) == ["eddystone:edd1ebeac04e5defa017:0bdb87539b67"])
        #expect(eddystone.map(\.txPower) == [-62])
        // 22 digits whose fifth byte is not repeated are no namespace: the mac is the device.
        let odd = try Self.decode(.espresense, "espresense/devices/x/kitchen", #"{"mac":"e11f22900c3e","id":"eddy:edd1ebeac0ff4e5defa017-0bdb87539b67","rssi":-70}"#)
        #expect(odd.map(\.device) == ["ble:e1:1f:22:90:0c:3e"])
        let early = try Self.decode(.espresense, "espresense/rooms/kitchen", #"{"id":"iBeacon:F7826DA64FA24E988024BC5B71E0893E-1-7","rssi":-72}"#)
        #expect(early.map(\.device) == [Self.loyaltyBeacon])
        let misdashed = try Self.decode(.espresense, "espresense/rooms/kitchen", #"{"id":"iBeacon:f7826da64fa2-4e98-8024-bc5b71e0893e-1-7","mac":"4a1f22900c3e","rssi":-72}"#)
        #expect(misdashed.map(\.device) == ["ble-rpa:4a:1f:22:90:0c:3e"])
        let publicAddress = try Self.decode(.espresense, "espresense/devices/001a7dda7113/kitchen", #"{"id":"001a7dda7113","idType":55,"rssi":-70}"#)
        #expect(publicAddress.map(\.device) == ["ble:00:1a:7d:da:71:13"])
        #expect(publicAddress.allSatisfy { $0.device.isStable })
        let unsaid = try Self.decode(.espresense, "espresense/devices/001a7dda7113/kitchen", #"{"id":"001a7dda7113","idType":210,"rssi":-70}"#)
        #expect(unsaid.map(\.device) == ["ble-rpa:00:1a:7d:da:71:13"])
    }

    /// Firmware 1.5 to 3.2 publishes every report to the rooms topic too, by default: subscribed
    /// to both, each advertisement would be two readings.
    @Test func theDefaultSubscriptionHearsEachESPresenseReportOnce() {
        #expect(MQTTFormat.espresense.defaultTopics(store: "demo") == ["espresense/devices/+/+"])
    }

    /// A node given a longer prefix (the docs' `site3/espresense/devices/+/+`) publishes the same
    /// last levels: read from the end (audit: every report refused as an unexpected topic).
    @Test func anESPresenseTopicWithALongerPrefixIsReadFromItsEnd() throws {
        let report = #"{"id":"c41f22900c3e","rssi":-60}"#
        #expect(try Self.decode(.espresense, "site3/espresense/devices/c41f22900c3e/kitchen", report).map(\.sensor) == ["s2"])
        #expect(try Self.decode(.espresense, "site3/espresense/rooms/kitchen", report).map(\.sensor) == ["s2"])
        let decoder = MQTTObservationDecoder(format: .espresense)
        #expect(decoder.shownTopic("site3/espresense/devices/c41f22900c3e/kitchen") == "site3/espresense/devices/+/kitchen")
        #expect(Self.problem(.espresense, "espresense/kitchen", report)?.reason == .unexpectedTopic)
    }

    /// On a sensor's own topic a batch naming another sensor is refused: a broker's ACL per
    /// sensor topic then keeps a sensor gateway from posting as another (audit).
    @Test func aFootfallBatchNamingAnotherSensorThanItsTopicIsRefused() throws {
        let batch = #"{"sensor":"s1","observations":[{"time":100,"device":"ble-rpa:4a:1f:22:90:0c:3e","rssi":-70}]}"#
        #expect(try Self.decode(.footfall, "footfall/demo/sensors/s1", batch).count == 1)
        let other = try #require(Self.problem(.footfall, "footfall/demo/sensors/s2", batch))
        #expect(other.field == "sensor" && other.message.contains("is not the sensor of the topic it came on ('s2')"), "\(other)")
        // On a topic of another shape (a `topic:` of the operator's), the payload names it.
        #expect(try Self.decode(.footfall, "site3/batches", batch).count == 1)
    }

    @Test func topicFiltersAreCheckedAndMatchedAsMQTTDefinesThem() {
        for good in ["espresense/devices/+/+", "#", "a/#", "+", "a//b", "/a"] { #expect(MQTTTopic.filterProblem(good) == nil, "\(good)") }
        for bad in ["", "espresense/devices/x+/+", "a/#/b", "a#", "a/b#"] { #expect(MQTTTopic.filterProblem(bad) != nil, "\(bad)") }
        #expect(MQTTTopic.nameProblem("footfall/store#12/events/store.entered") != nil)
        #expect(MQTTTopic.nameProblem("footfall/store 12/events/store.entered") == nil)
        let cases: [(String, String, Bool)] = [
            ("espresense/devices/a/kitchen", "espresense/devices/+/+", true),
            ("espresense/rooms/kitchen", "espresense/devices/+/+", false),
            ("espresense/devices/a/kitchen/x", "espresense/devices/+/+", false),
            ("a/b/c", "a/#", true), ("a", "a/#", true), ("b", "a/#", false),
            ("$SYS/x", "#", false), ("$SYS/x", "$SYS/#", true), ("a//b", "a/+/b", true),
            // A shared subscription: the broker delivers the topic without `$share/<group>/`.
            ("espresense/devices/a/kitchen", "$share/g/espresense/devices/+/+", true), ("a/b", "$queue/a/+", true),
        ]
        for (name, filter, matches) in cases { #expect(MQTTTopic.matches(name, filter: filter) == matches, "\(name) \(filter)") }
    }

    @Test func aPlainReportReadMemberByMemberDecodesAsTheWholeParserWouldDecodeIt() throws {
        // A report with a nested member is parsed whole; the same report without it is read
        // member by member: each pair gives the same observation or the same problem.
        let topic = "espresense/devices/x/kitchen"
        let reports = [
            #"{"id":"c41f22900c3e","rssi":-60}"#,
            " {\t\"rssi\" : -71.5 ,\n\"id\" : \"c41f22900c3e\" , \"rssi\" : -6e1 } ",
            #"{"id":"iBeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e-1-7","rssi@1m":-59,"rssi":-72,"mac":"4a1f22900c3e","close":false,"disc":true,"name":null}"#,
            #"{"id":"apple:1007:11-12","rssi":-70,"mac":"4A-1F-22-90-0C-3E"}"#,
            #"{"id":"apple:1007:11-12","rssi":-70,"mac":"+4A1F22900C3"}"#,
            #"{"id":"c41f22900c3e","rssi":"-60"}"#,
            #"{"id":"","rssi":-60}"#,
            #"{"rssi":-60}"#,
            #"{"id":"c41f22900c3e","rssi":-300}"#,
        ]
        try Self.expectPlainDecodesAsWhole(.espresense, topic, reports)
        try Self.expectRefusedAsTheParserRefuses(.espresense, topic, [
            #"{"id":"c41f22900c3e","rssi":-60}x"#, #"{"id":"c41f22900c3e","rssi":-60,}"#, #"{"rssi":1e999}"#, #"{"rssi":tru}"#,
            #"{"rssi":--60}"#, #"{"id":"c4\u0031","rssi":-60,"#, "{\"id\":\"c4\n\"}", #"{"id":"c4""#,
        ])
    }

    @Test func badESPresenseReportsNameTheTopicWithoutTheDeviceAndTheFieldAndSayWhatToDo() {
        let unmapped = Self.problem(.espresense, "espresense/devices/4a1f22900c3e/garage", #"{"id":"4a1f22900c3e","rssi":-70}"#)
        #expect(unmapped?.reason == .unmappedNode)
        #expect(unmapped?.description == "espresense/devices/+/garage: node 'garage' is not a sensor of the store; map it under the source's `sensors:` (garage: one of s1, s2, s3)")
        let notJSON = Self.problem(.espresense, "espresense/devices/4a1f22900c3e/kitchen", "rssi=-70")
        #expect(notJSON?.reason == .notJSON)
        #expect(notJSON?.topic == "espresense/devices/+/kitchen")
        let loud = Self.problem(.espresense, "espresense/devices/4a1f22900c3e/kitchen", #"{"id":"4a1f22900c3e","rssi":-300}"#)
        #expect(loud?.reason == .rssiOutOfRange)
        #expect(loud?.field == "rssi")
        let noMac = Self.problem(.espresense, "espresense/devices/apple:1007:11-12/kitchen", #"{"id":"apple:1007:11-12","rssi":-70}"#)
        #expect(noMac?.reason == .unusableDevice)
        for problem in [unmapped, notJSON, loud, noMac] {
            #expect(problem.map { !$0.description.contains("4a1f") && !$0.description.contains("4a:1f") } == true, "no address in \(String(describing: problem))")
        }
    }

    /// A payload's own text quoted in a refusal (a member's name, a number-like run, a field
    /// of the wrong kind) never brings an address into the log.
    @Test func aRefusalThatQuotesThePayloadMasksAnyAddressInIt() {
        let problems = [
            Self.problem(.espresense, "espresense/devices/4a1f22900c3e/kitchen", #"{"C0:11:22:33:44:59" 1}"#),
            Self.problem(.espresense, "espresense/devices/4a1f22900c3e/kitchen", #"{"id":00-11-22-33-44-55}"#),
            Self.problem(.footfall, "footfall/demo/sensors/s1", #"{"sensor":"s1","sent_at":1,"observations":[{"time":1,"device":"x","rssi":-70,"radio":"wifi:c0:11:22:33:44:62"}]}"#),
            Self.problem(.footfall, "footfall/demo/sensors/s1", #"{"sensor":"s1","sent_at":1,"observations":[{"time":1,"device":"x","rssi":-70,"radio":"wifi:c0:11:22:33"}]}"#),
        ]
        for problem in problems {
            let text = problem.map(\.description) ?? "accepted"
            #expect(problem != nil && !text.contains("c0:11") && !text.contains("C0:11") && !text.contains("00-11"), "\(text)")
        }
        #expect(problems[0]?.message.contains("<address>") == true, "\(String(describing: problems[0]))")
        #expect(problems[2]?.message == "a value of 22 characters; it must be ble or wifi")
    }

    @Test func aTopicTheFormatDoesNotPublishIsShownWithoutAnyLevelThatCouldNameADevice() {
        // A `topic: espresense/#` wider than the default also brings a node's other topics.
        let deeper = Self.problem(.espresense, "espresense/devices/4a1f22900c3e/kitchen/extra", "{}")
        #expect(deeper?.reason == .unexpectedTopic)
        #expect(deeper?.topic == "espresense/devices/+/kitchen/extra")
        let fingerprint = Self.problem(.espresense, "espresense/settings/apple:1007:11-12/config", "{}")
        #expect(fingerprint?.topic == "espresense/settings/+/config")
        let gateway = Self.problem(.openmqttgateway, "home/4A:1F:22:90:0C:3E/BTtoMQTT/4A1F22900C3E", "rssi")
        #expect(gateway?.topic == "home/+/BTtoMQTT/+")
        // A room named in another of the forms addresses are written in.
        for room in ["dead.beef.0043", "DE_AD_BE_EF_00_44", "dead-beef-0049"] {
            let odd = Self.problem(.espresense, "espresense/devices/x/\(room)", #"{"id":"4a1f22900c3e","rssi":-70}"#)
            #expect(odd?.topic == "espresense/devices/+/+" && odd?.description.contains(room) == false, "\(String(describing: odd))")
        }
    }

    // MARK: OpenMQTTGateway

    /// Flags, then Apple's iBeacon: UUID f7826da6-…-bc5b71e0893e, major 1, minor 7, power −59.
    static let iBeaconAdvertisement = "020106" + "1aff4c000215" + "f7826da64fa24e988024bc5b71e0893e" + "0001" + "0007" + "c5"

    @Test func aGatewaysManufacturerDataIsDecodedAsOverHCIIntoTheSameBeacon() throws {
        // What HCI makes of the advertisement…
        let bytes = try #require(MQTTDecoderTestsHex.bytes(Self.iBeaconAdvertisement))
        var converter = ObservationConverter(sensor: "s3")
        let report = LEAdvertisingReport(
            kind: .legacy, eventType: 0, addressType: .randomDevice, address: BluetoothAddress("4A:1F:22:90:0C:3E")!, rssi: -66,
            data: ByteBuffer(bytes: bytes))
        let heard = converter.observation(from: report, time: 100)
        let overHCI = try #require(heard)
        // …and what OpenMQTTGateway publishes of it (manufacturer data: company id, then the rest).
        let overMQTT = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", """
            {"id":"4A:1F:22:90:0C:3E","mac_type":1,"manufacturerdata":"4c000215f7826da64fa24e988024bc5b71e0893e00010007c5","rssi":-66,"distance":2.3}
            """)
        #expect(overMQTT == [overHCI])
        #expect(overHCI.device == Self.loyaltyBeacon)
    }

    @Test func eddystoneServiceDataTheGatewaysOwnIBeaconDecodingAndAPlainAddressAreRead() throws {
        let eddystone = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", """
            {"id":"4A:1F:22:90:0C:3E","rssi":-70,"servicedatauuid":"0xfeaa","servicedata":"00e7edd1ebeac04e5defa0170bdb87539b670000"}
            """)
        #expect(eddystone.map(\.device) == ["eddystone:edd1ebeac04e5defa017:0bdb87539b67"])
        #expect(eddystone.map(\.txPower) == [-25 - 41])
        let theengs = try Self.decode(.openmqttgateway, "home/TheengsGateway/BTtoMQTT/4A1F22900C3E", """
            {"id":"4A:1F:22:90:0C:3E","rssi":-75,"brand":"GENERIC","model":"iBeacon","model_id":"IBEACON","mfid":"4c00","uuid":"f7826da6-4fa2-4e98-8024-bc5b71e0893e","major":1,"minor":7,"txpower":-59}
            """, sensors: ["TheengsGateway": "s1"])
        #expect(theengs == [Observation(time: 100, sensor: "s1", device: Self.loyaltyBeacon, rssi: -75, txPower: -59)])
        // A measured power no beacon sends (1e300 trapped the conversion to Int) is left out.
        for wild in ["1e300", "-99999", "-59.5"] {
            let odd = try Self.decode(.openmqttgateway, "home/TheengsGateway/BTtoMQTT/4A1F22900C3E", """
                {"id":"4A:1F:22:90:0C:3E","rssi":-75,"model_id":"IBEACON","uuid":"f7826da6-4fa2-4e98-8024-bc5b71e0893e","major":1,"minor":7,"txpower":\(wild)}
                """, sensors: ["TheengsGateway": "s1"])
            #expect(odd == [Observation(time: 100, sensor: "s1", device: Self.loyaltyBeacon, rssi: -75)], "txpower \(wild)")
        }
        let plain = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", #"{"id":"4A:1F:22:90:0C:3E","rssi":-81}"#)
        #expect(plain.map(\.device) == ["ble-rpa:4a:1f:22:90:0c:3e"])
        let problem = Self.problem(.openmqttgateway, "home/garage_gw/BTtoMQTT/4A1F22900C3E", #"{"id":"4A:1F:22:90:0C:3E","rssi":-81}"#)
        #expect(problem?.topic == "home/garage_gw/BTtoMQTT/+")
        #expect(problem?.reason == .unmappedNode)
    }

    /// Theengs' decoder writes an iBeacon's uuid as 32 digits, and the gateways leave the raw
    /// advertisement out by default (theengs/decoder `src/devices/iBeacon_json.h`; OMG's
    /// `pubBLEAdvData` false): the gateway's own decoding is the beacon.
    @Test func aGatewaysOwnIBeaconDecodingWithAnUndashedUUIDIsTheBeacon() throws {
        let theengs = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/C0FFEE123456", """
            {"id":"c0:ff:ee:12:34:56","rssi":-70,"brand":"GENERIC","model":"iBeacon","model_id":"IBEACON","type":"BCON","mfid":"4c00","uuid":"F7826DA64FA24E988024BC5B71E0893E","major":1,"minor":7,"txpower":-59}
            """)
        #expect(theengs == [Observation(time: 100, sensor: "s3", device: Self.loyaltyBeacon, rssi: -70, txPower: -59)])
        for uuid in ["f7826da64fa24e988024bc5b71e0893", "f7826da6-4fa24e98-8024-bc5b71e0893e", "g7826da64fa24e988024bc5b71e0893e"] {
            let notAUUID = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/C0FFEE123456", """
                {"id":"c0:ff:ee:12:34:56","rssi":-70,"model_id":"IBEACON","uuid":"\(uuid)","major":1,"minor":7}
                """)
            #expect(notAUUID.map(\.device) == ["ble:c0:ff:ee:12:34:56"], "\(uuid)")
        }
    }

    /// With `presuseuuid` OpenMQTTGateway puts a beacon's uuid in `id` and the address in `mac`;
    /// with `pubadvdata` it says the address type (`mac_type` 0: public, a stable device).
    @Test func aGatewaysAddressIsItsMacWhereTheIdIsAUUIDAndPublicWhereMacTypeSaysSo() throws {
        let uuidAsID = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/4A1F22900C3E",
            #"{"id":"f7826da6-4fa2-4e98-8024-bc5b71e0893e","mac":"4A:1F:22:90:0C:3E","rssi":-70}"#)
        #expect(uuidAsID.map(\.device) == ["ble-rpa:4a:1f:22:90:0c:3e"])
        let publicAddress = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/001A7DDA7113", #"{"id":"00:1A:7D:DA:71:13","mac_type":0,"rssi":-70}"#)
        #expect(publicAddress.map(\.device) == ["ble:00:1a:7d:da:71:13"])
        let random = try Self.decode(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/001A7DDA7113", #"{"id":"00:1A:7D:DA:71:13","mac_type":1,"rssi":-70}"#)
        #expect(random.map(\.device) == ["ble-rpa:00:1a:7d:da:71:13"])
    }

    /// A gateway's own state, a tracker's `offline`, Theengs' presence and a reading taken over a
    /// connection carry no rssi: no advertisement was heard, so nothing is wrong with them.
    @Test func aGatewayMessageWithoutRSSIIsNoAdvertisementAndSaidSo() {
        let messages = [
            ("home/OMG_ESP32/BTtoMQTT", #"{"bleconnect":true,"interval":55555,"activescan":true,"origin":"BTtoMQTT"}"#),
            ("home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", #"{"id":"4A:1F:22:90:0C:3E","state":"offline"}"#),
            ("home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", #"{"id":"4A:1F:22:90:0C:3E","presence":"present"}"#),
            ("home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", #"{"id":"4A:1F:22:90:0C:3E","model":"LYWSD03MMC","tempc":21.5,"hum":40}"#),
        ]
        for (topic, payload) in messages {
            let problem = Self.problem(.openmqttgateway, topic, payload)
            #expect(problem?.reason == .notAnAdvertisement, "\(payload)")
            #expect(problem.map { !$0.description.contains("4A:1F") && !$0.description.contains("4a:1f") } == true)
        }
        // An rssi that is there but not a number is still the payload's fault.
        #expect(Self.problem(.openmqttgateway, "home/OMG_ESP32/BTtoMQTT/4A1F22900C3E", #"{"id":"4A:1F:22:90:0C:3E","rssi":"x"}"#)?.reason == .missingField)
    }

    /// A sensor gateway's reading stamped ahead of this gateway's clock is refused (a broker
    /// hands over late, never early), and a node's name of any length is shown cut.
    @Test func aReadingFromTheFutureIsRefusedAndALongNodeNameIsShownCut() throws {
        let now = 1_767_603_600.0
        let batch = try Self.decode(.footfall, "footfall/demo/sensors/s1", """
            {"sensor":"s1","sent_at":\(now + 259_200),"observations":[{"time":\(now + 259_200),"device":"d","rssi":-70}]}
            """)
        let ahead = try #require(MQTTSource.aheadOfTheClock(batch, now: now, topic: "footfall/demo/sensors/s1"))
        #expect(ahead.reason == .timeAhead && ahead.message.contains("259200 s ahead"), "\(ahead)")
        #expect(MQTTSource.aheadOfTheClock(batch, now: now + 259_190, topic: "t") == nil)
        let room = String(repeating: "k", count: 60_000)
        let long = try #require(Self.problem(.espresense, "espresense/devices/x/\(room)", #"{"id":"4a1f22900c3e","rssi":-70}"#))
        #expect(long.topic.count < 100 && long.description.count < 400, "\(long.description.prefix(200))")
    }

    // MARK: Footfall

    @Test func aSensorGatewaysBatchIsReadAsTheHTTPEndpointReadsIt() throws {
        let observations = try Self.decode(.footfall, "footfall/demo/sensors/s1", """
            {"sensor":"s1","sent_at":1767603600.5,"observations":[{"time":1767603600.1,"device":"ble-rpa:4a:1f:22:90:0c:3e","rssi":-71,"radio":"ble"},{"time":1767603600.2,"device":"wifi:02:00:00:00:00:01","rssi":-60,"radio":"wifi","channel":6}]}
            """)
        #expect(observations == [
            Observation(time: 1_767_603_600.1, sensor: "s1", device: "ble-rpa:4a:1f:22:90:0c:3e", rssi: -71, radio: .ble),
            Observation(time: 1_767_603_600.2, sensor: "s1", device: "wifi:02:00:00:00:00:01", rssi: -60, radio: .wifi, channel: 6),
        ])
        let bad = Self.problem(.footfall, "footfall/demo/sensors/s1", #"{"sensor":"s1","sent_at":1,"observations":[{"time":1,"device":"x","rssi":500}]}"#)
        #expect(bad?.field == "observations[0].rssi")
        #expect(bad?.reason == .rssiOutOfRange)
        // A time in milliseconds, which would stall the pipeline's clock, is refused by its field.
        let late = Self.problem(.footfall, "footfall/demo/sensors/s1", #"{"sensor":"s1","sent_at":1,"observations":[{"time":1767603600123,"device":"x","rssi":-70}]}"#)
        #expect(late?.field == "observations[0].time")
        #expect(late?.message.hasSuffix("send seconds, not milliseconds") == true, "\(String(describing: late))")
    }

    /// A broker at QoS 1 may hand a message over twice (after a reconnection): what a sensor
    /// gateway's numbers say was taken already is left out, a new stream is taken whole.
    @Test func aBatchTheBrokerHandsOverAgainIsTakenOnce() throws {
        let decoder = MQTTObservationDecoder(format: .footfall, storeSensors: Self.store)
        func decode(_ numbers: String, _ rssis: [Int]) throws -> [Double] {
            let items = rssis.map { #"{"time":1767603600,"device":"ble-rpa:4a:1f:22:90:0c:3e","rssi":\#($0)}"# }.joined(separator: ",")
            let payload = #"{"sensor":"s1",\#(numbers)"sent_at":1767603600.5,"observations":[\#(items)]}"#
            return try decoder.decode(topic: "footfall/demo/sensors/s1", payload: Array(payload.utf8), time: 1_767_603_601).map(\.rssi)
        }
        #expect(try decode(#""stream":"a","seq":0,"#, [-60, -61]) == [-60, -61])
        #expect(try decode(#""stream":"a","seq":0,"#, [-60, -61]) == [])
        #expect(try decode(#""stream":"a","seq":1,"#, [-61, -62]) == [-62])
        #expect(try decode(#""stream":"b","seq":0,"#, [-70]) == [-70])
        // A's marks are kept beside b's: a repeat of a's is still left out.
        #expect(try decode(#""stream":"a","seq":1,"#, [-61, -62]) == [])
        #expect(try decode("", [-80]) == [-80])
        // A batch refused as ahead of the clock is not counted as taken: handed over again once
        // the clock has caught up, it is taken.
        let ahead = #"{"sensor":"s1","stream":"c","seq":0,"observations":[{"time":1767603700,"device":"ble-rpa:4a:1f:22:90:0c:3e","rssi":-50}]}"#
        #expect(throws: MQTTInputError.self) { try decoder.decode(topic: "footfall/demo/sensors/s1", payload: Array(ahead.utf8), time: 1_767_603_601) }
        #expect(try decoder.decode(topic: "footfall/demo/sensors/s1", payload: Array(ahead.utf8), time: 1_767_603_700).map(\.rssi) == [-50])
        let bad = Self.problem(.footfall, "footfall/demo/sensors/s1", #"{"sensor":"s1","stream":"a","seq":-2,"observations":[]}"#)
        #expect(bad?.field == "seq" && bad?.message.contains("not a whole number from 0") == true, "\(String(describing: bad))")
    }

    @Test func aPlainBatchReadMemberByMemberDecodesAsTheWholeParserWouldDecodeIt() throws {
        // A batch with a nested member is parsed whole; the same batch without it is read
        // member by member: each pair gives the same observations or the same problem.
        let topic = "footfall/demo/sensors/s1"
        let batches = [
            #"{"sensor":"s1","sent_at":1767603600.5,"observations":[{"time":1767603600.1,"device":"ble:c4:1f:22:90:0c:3e","rssi":-71,"tx_power":-59},{"time":2,"device":"wifi:02:00:00:00:00:01","rssi":-60.5,"radio":"wifi","channel":6}]}"#,
            " {\n\t\"observations\" : [ { \"rssi\" : -1e1 , \"device\" : \"x y\" , \"time\" : -0 , \"rssi\" : -70 } ] , \"sensor\" : \"s2\" } ",
            #"{"sensor":"s1","observations":[]}"#,
            #"{"sensor":"s1","observations":[{}]}"#,
            #"{"sensor":"s1","observations":[{"time":1,"device":"x","rssi":-60}],"observations":3}"#,
            #"{"sensor":"s1","observations":3,"observations":[{"time":1,"device":"x","rssi":-60}]}"#,
            #"{"sensor":"s1","observations":"none"}"#,
            #"{"sensor":"s1"}"#,
            #"{"observations":[{"time":1,"device":"x","rssi":-60}]}"#,
            #"{"sensor":7,"observations":[]}"#,
            #"{"sensor":"s9","observations":[]}"#,
            #"{"sensor":"s1","observations":[{"time":1,"device":"x","rssi":-60,"radio":"lora"}]}"#,
            #"{"sensor":"s1","observations":[{"time":1,"device":"","rssi":-60}]}"#,
            #"{"sensor":"s1","observations":[{"time":"1","device":"x","rssi":-60}]}"#,
            #"{"sensor":"s1","observations":[{"time":1,"device":"x","rssi":-60,"channel":6.5,"tx_power":null}]}"#,
            #"{"sensor":"s1","observations":[{"time":1,"device":"x","rssi":-60},{"time":2,"device":"y","rssi":true}]}"#,
            #"{"sensor":"s1","stream":"9f","seq":3,"observations":[{"time":1,"device":"x","rssi":-60}]}"#,
            #"{"sensor":"s1","stream":"9f","seq":"3","observations":[{"time":1,"device":"x","rssi":-60}]}"#,
            #"{"sensor":"s1","stream":9,"seq":3,"observations":[{"time":1,"device":"x","rssi":-60}]}"#,
            #"{"sensor":"s1","seq":3,"observations":[{"time":1,"device":"x","rssi":-60}]}"#,
            #"{"sensor":"s1","stream":null,"seq":null,"observations":[{"time":1,"device":"x","rssi":-60}]}"#,
        ]
        try Self.expectPlainDecodesAsWhole(.footfall, topic, batches)
        #expect(try Self.decode(.footfall, topic, batches[0]).count == 2)
        try Self.expectRefusedAsTheParserRefuses(.footfall, topic, [
            #"{"sensor":"s1","observations":[]}x"#, #"{"sensor":"s1","observations":[{"time":1},]}"#,
            #"{"sensor":"s1","observations":[{"time":1}"#, #"{"sensor":"s1","observations":[{"time":1e999}]}"#,
            #"{"sensor":"s1","observations":[{"rssi":--60}]}"#, #"{"sensor":"s1","observations":[[]"#,
            #"{"sensor":"s1","observations":[{"time":1,"device":"x","rssi":+5}]}"#,
        ])
    }

    @Test func withoutAStoreEveryNodeIsASensorOfItsOwnName() throws {
        let decoder = MQTTObservationDecoder(format: .espresense)
        let observations = try decoder.decode(topic: "espresense/devices/c41f22900c3e/garage", payload: Array(#"{"id":"c41f22900c3e","rssi":-60}"#.utf8), time: 1)
        #expect(observations.map(\.sensor) == ["garage"])
    }
}

enum MQTTDecoderTestsHex {
    static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
    }
}
