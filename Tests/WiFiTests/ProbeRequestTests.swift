import FootfallCore
import NIOCore
import Testing
@testable import WiFi

@Suite struct ProbeRequestTests {
    @Test func probeRequestGivesSourceSequenceSSIDAndElements() throws {
        let packet = try WiFiPacket(decoding: FrameVectors.esp32Radiotap() + FrameVectors.probeRequest(), linkType: .radiotap)
        let probe = try #require(packet.probeRequest)
        #expect(probe.source.description == "84:16:f9:f2:da:8b")
        #expect(probe.destination.isBroadcast)
        #expect(probe.sequenceNumber == 1237)
        #expect(probe.ssidText == "shop")
        #expect(probe.ssids == ["shop"])
        #expect(probe.elements.ids == [0, 1, 221])
        #expect(probe.elements.first(id: InformationElement.vendorSpecific)?.vendorOUI == 0x0050F2)
        #expect(probe.elementError == nil)
        #expect(!probe.isRandomized)
        #expect(packet.signal == -92)
        #expect(packet.channel == 2)
    }

    @Test func locallyAdministeredSourceIsFlaggedRandomizedAndAnonymous() throws {
        let frame = FrameVectors.probeRequest(source: [0xDA, 0xA1, 0x19, 0x00, 0x00, 0x01])
        let packet = try WiFiPacket(decoding: FrameVectors.esp32Radiotap() + frame, linkType: .radiotap)
        let probe = try #require(packet.probeRequest)
        #expect(probe.isRandomized)
        let observation = try #require(try packet.observation(time: 1, sensor: "s1"))
        #expect(observation.device == "wifi:da:a1:19:00:00:01")
        #expect(!observation.device.isStable)
    }

    @Test func fcsFlagStripsTheLastFourBytes() throws {
        var radiotap: [UInt8] = [
            0x00, 0x00, 0x0A, 0x00,
            0x22, 0x00, 0x00, 0x00,                         // Flags, dBm signal
            0x10,                                           // Flags: FCS at end
            0xC0,                                           // −64 dBm
        ]
        radiotap += FrameVectors.probeRequest() + [0xDE, 0xAD, 0xBE, 0xEF]   // FCS
        let probe = try #require(try WiFiPacket(decoding: radiotap, linkType: .radiotap).probeRequest)
        #expect(probe.elementError == nil)
        #expect(probe.elements.ids == [0, 1, 221])
    }

    @Test func badFCSFrameGivesNoObservation() throws {
        let radiotap: [UInt8] = [0x00, 0x00, 0x0A, 0x00, 0x22, 0x00, 0x00, 0x00, 0x50, 0xC0]
        let packet = try WiFiPacket(decoding: radiotap + FrameVectors.probeRequest() + [0, 0, 0, 0], linkType: .radiotap)
        #expect(packet.hasBadFCS)
        #expect(try packet.observation(time: 0, sensor: "s1") == nil)
    }

    /// A sniffer that does not report the FCS passes frames corrupted on the air: a probe
    /// request from a group address or with the Protected bit is none a station sent (audit:
    /// they became devices `wifi:ff:ff:ff:ff:ff:ff` and `wifi:01:00:5e:00:00:01`).
    @Test func aProbeRequestNoStationSendsGivesNoObservationAndSaysWhy() throws {
        let radiotap = FrameVectors.esp32Radiotap()
        let good = try WiFiPacket(decoding: radiotap + FrameVectors.probeRequest(), linkType: .radiotap)
        #expect(good.implausibility == nil)
        #expect(try good.observation(time: 0, sensor: "s1") != nil)
        for source: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0x01, 0x00, 0x5E, 0x00, 0x00, 0x01]] {
            let packet = try WiFiPacket(decoding: radiotap + FrameVectors.probeRequest(source: source), linkType: .radiotap)
            #expect(packet.implausibility?.contains("group source address") == true)
            #expect(try packet.observation(time: 0, sensor: "s1") == nil)
        }
        var protected = FrameVectors.probeRequest()
        protected[1] |= 0x40
        let packet = try WiFiPacket(decoding: radiotap + protected, linkType: .radiotap)
        #expect(packet.implausibility?.contains("Protected bit") == true)
        #expect(try packet.observation(time: 0, sensor: "s1") == nil)
        let hot = try WiFiPacket(decoding: FrameVectors.esp32Radiotap(signal: 40) + FrameVectors.probeRequest(), linkType: .radiotap)
        #expect(hot.implausibility?.contains("40 dBm") == true)
    }

    @Test func ssidListElementAddsItsSSIDs() throws {
        var frame = FrameVectors.probeRequest(ssid: "")
        // SSID List (ID 84, length 2+3 + 2+1): SSID elements "caf" and "A".
        frame += [0x54, 0x08, 0x00, 0x03] + Array("caf".utf8) + [0x00, 0x01, 0x41]
        let probe = try #require(try WiFiPacket(decoding: FrameVectors.esp32Radiotap() + frame, linkType: .radiotap).probeRequest)
        #expect(probe.ssidText == "")
        #expect(probe.ssids == ["caf", "A"])
    }

    @Test func truncatedElementIsReportedWithItsByteWhileTheFrameStillCounts() throws {
        var bytes = FrameVectors.esp32Radiotap() + FrameVectors.probeRequest()
        bytes.removeLast(2)                                 // the vendor element now runs past the end
        let packet = try WiFiPacket(decoding: bytes, linkType: .radiotap)
        let probe = try #require(packet.probeRequest)
        let error = try #require(probe.elementError)
        #expect(error.layer == .informationElement)
        #expect(error.offset == 14 + 24 + 6 + 6 + 1)        // the vendor element's length byte
        #expect(error.description == "information element: byte \(error.offset): element 221 declares 5 bytes but only 3 remain")
        #expect(probe.elements.ids == [0, 1])
        #expect(throws: WiFiDecodingError.self) { try probe.elements.validate() }
        #expect(try packet.observation(time: 0, sensor: "s1") != nil)
    }

    @Test func everyTruncationOfAProbeRequestThrowsWithAnOffsetInsideThePacketOrDecodes() {
        let bytes = FrameVectors.esp32Radiotap() + FrameVectors.probeRequest()
        for length in 0...bytes.count {
            do {
                _ = try WiFiPacket(decoding: Array(bytes.prefix(length)), linkType: .radiotap)
                #expect(length >= 14 + 24, "a \(length)-byte prefix cannot hold the headers")
            } catch {
                #expect(error.offset <= length)
            }
        }
    }

    @Test(arguments: ManagementSubtype.allCases)
    func everyManagementSubtypeDecodesOrSaysWhichFixedFieldIsMissing(subtype: ManagementSubtype) throws {
        var frame = FrameVectors.probeRequest()
        frame[0] = subtype.rawValue << 4
        let packet = Result { try WiFiPacket(decoding: FrameVectors.esp32Radiotap() + frame, linkType: .radiotap) }
        switch (subtype, packet) {
        case (.probeRequest, .success(let packet)):
            #expect(packet.probeRequest != nil)
        case (_, .success(let packet)):
            guard case .management(let management) = packet.frame else { Issue.record("not management"); return }
            #expect(management.subtype == subtype)
            #expect(management.source.description == "84:16:f9:f2:da:8b")
            #expect(try packet.observation(time: 0, sensor: "s1") == nil)
        case (_, .failure(let error)):
            Issue.record("\(subtype): \(error)")
        }
    }

    @Test func beaconBodyShorterThanItsFixedFieldsIsAnError() throws {
        var frame = Array(FrameVectors.probeRequest().prefix(24)) + [0x00, 0x01]
        frame[0] = 0x80                                     // beacon
        let error = try #require(throws: WiFiDecodingError.self) {
            try WiFiPacket(decoding: FrameVectors.esp32Radiotap() + frame, linkType: .radiotap)
        }
        #expect(error.offset == 14 + 24)
        #expect(error.message.contains("beacon body needs 12 bytes"))
    }

    @Test func controlAndDataFramesAreRecognisedByFrameControlOnly() throws {
        let ack: [UInt8] = [0xD4, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]
        let packet = try WiFiPacket(decoding: FrameVectors.esp32Radiotap() + ack, linkType: .radiotap)
        #expect(packet.frame == .control(FrameControl(rawValue: 0x00D4)))
        #expect(try packet.observation(time: 0, sensor: "s1") == nil)
    }

    @Test func bare80211FramesHaveNoSignalAndSaySo() throws {
        let packet = try WiFiPacket(decoding: FrameVectors.probeRequest(), linkType: .ieee80211)
        #expect(packet.probeRequest != nil)
        let error = try #require(throws: WiFiObservationError.self) { try packet.observation(time: 0, sensor: "s1") }
        #expect("\(error)".contains("no signal strength"))
    }

    @Test func avsHeaderWithDBmSignalGivesTheRSSIAndChannel() throws {
        var avs = [UInt8](repeating: 0, count: 64)
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { avs[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        put(0x8021_1001, at: 0)                             // version 1
        put(64, at: 4)                                      // length
        put(6, at: 28)                                      // channel 6
        put(2, at: 44)                                      // ssi_type: dBm
        put(UInt32(bitPattern: -71), at: 48)                // ssi_signal
        let packet = try WiFiPacket(decoding: avs + FrameVectors.probeRequest(), linkType: .avs)
        let observation = try #require(try packet.observation(time: 3, sensor: "s1"))
        #expect(observation.rssi == -71)
        #expect(observation.channel == 6)
    }

    @Test func macAddressesReadAndPrintInLowercase() {
        #expect(MACAddress("84:16:F9:f2:da:8b")?.description == "84:16:f9:f2:da:8b")
        #expect(MACAddress("8416f9f2da8b")?.description == "84:16:f9:f2:da:8b")
        #expect(MACAddress("84:16:f9:f2:da") == nil)
        #expect(MACAddress("84:16:f9:f2:da:8g") == nil)
        #expect(MACAddress("02:00:00:00:00:00")?.isLocallyAdministered == true)
    }

    @Test(arguments: [(2412, 1), (2437, 6), (2472, 13), (2484, 14), (5180, 36), (5825, 165), (5955, 1), (6115, 33), (5935, 2), (4920, 184)])
    func channelNumbersFollowFromFrequency(megahertz: Int, channel: Int) {
        #expect(ChannelFrequency.channel(megahertz: megahertz) == channel)
    }
}
