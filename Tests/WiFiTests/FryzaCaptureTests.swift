import FootfallCore
import FootfallTesting
import Foundation
import NIOCore
import Testing
@testable import WiFi

/// The Fryza ESP32 capture (shared/datasets/wifi-probes-fryza): real probe requests with a
/// per-packet oracle and room occupancy.
@Suite struct FryzaCaptureTests {
    static let pcap = Fixtures.dataset("wifi-probes-fryza/sc6-61_2022-11-24.pcap")
    static let oracle = Fixtures.dataset("wifi-probes-fryza/sc6-61_2022-11-24.csv")

    @Test func everyPacketMatchesTheOracleExactlyRowForRow() throws {
        let capture = try ClassicPcapFile(contentsOf: Self.pcap)
        let oracle = try FryzaOracle(contentsOf: Self.oracle)
        #expect(capture.linkType == WiFiLinkType.radiotap.rawValue)
        #expect(capture.records.count == oracle.rows.count)
        for row in oracle.rows {
            let record = try #require(capture.records.indices.contains(row.index) ? capture.records[row.index] : nil, "no packet \(row.index)")
            let packet = try WiFiPacket(decoding: record.bytes, linkType: .radiotap)
            let probe = try #require(packet.probeRequest, "packet \(row.index) is not a probe request")
            #expect(packet.signal.map(Int.init) == row.rssi, "packet \(row.index) rssi")
            #expect(Int(probe.sequenceNumber) == row.sequenceNumber, "packet \(row.index) sequence number")
            #expect(packet.radiotap?.megahertz == row.megahertz, "packet \(row.index) frequency")
            #expect(probe.isRandomized == row.randomized, "packet \(row.index) randomized flag")
            #expect(probe.source.description == row.source, "packet \(row.index) source")
            #expect(probe.destination.description == row.destination, "packet \(row.index) destination")
            if probe.elementError == nil {
                #expect(probe.elements.ids.map(Int.init) == row.elementIDs, "packet \(row.index) element ids")
            }
            // The oracle prints SSIDs through Python; compare the plain-ASCII ones.
            if let ssid = probe.ssidText, ssid.allSatisfy({ $0.isASCII && !$0.isNewline }), row.ssid.allSatisfy(\.isASCII) {
                #expect(ssid == row.ssid, "packet \(row.index) ssid")
            }
        }
    }

    @Test func everyPacketBecomesAWiFiObservationWithItsChannelNumber() throws {
        let capture = try ClassicPcapFile(contentsOf: Self.pcap)
        let oracle = try FryzaOracle(contentsOf: Self.oracle)
        for row in oracle.rows where capture.records.indices.contains(row.index) {
            let record = capture.records[row.index]
            let packet = try WiFiPacket(decoding: record.bytes, linkType: .radiotap)
            let observation = try #require(try packet.observation(time: record.time, sensor: "sc6-61"))
            #expect(observation.device == DeviceID("wifi:\(row.source)"))
            #expect(observation.device.isLocallyAdministered == row.randomized)
            #expect(observation.rssi == Double(row.rssi))
            #expect(observation.radio == .wifi)
            #expect(observation.channel == ChannelFrequency.channel(megahertz: row.megahertz))
            #expect(observation.time == record.time)
        }
    }

    /// Distinct globally administered addresses per 5-minute window against the room's
    /// occupancy. No threshold: the figure is printed for the README.
    @Test func presenceCountPerFiveMinutesIsReportedAgainstOccupancy() throws {
        let capture = try ClassicPcapFile(contentsOf: Self.pcap)
        let oracle = try FryzaOracle(contentsOf: Self.oracle)
        var devices: [Int: Set<MACAddress>] = [:]
        var occupancy: [Int: [Double]] = [:]
        for row in oracle.rows where capture.records.indices.contains(row.index) {
            let record = capture.records[row.index]
            let window = Int((record.time / 300).rounded(.down))
            let probe = try #require(try WiFiPacket(decoding: record.bytes, linkType: .radiotap).probeRequest)
            if !probe.isRandomized { devices[window, default: []].insert(probe.source) }
            if let people = row.occupancy { occupancy[window, default: []].append(people) }
        }
        let windows = occupancy.keys.sorted()
        let counts = windows.map { Double(devices[$0]?.count ?? 0) }
        let people = windows.map { occupancy[$0]!.reduce(0, +) / Double(occupancy[$0]!.count) }
        let r = PearsonCorrelation.coefficient(counts, people)
        if let r {
            print("presence: Pearson r = \(String(format: "%.3f", r)) between distinct non-randomized devices and occupancy over \(windows.count) five-minute windows")
        } else {
            print("presence: Pearson r undefined over \(windows.count) five-minute windows: device counts \(Set(counts).sorted()) and occupancy \(Set(people).sorted()) — a series is constant")
        }
        #expect(windows.count > 0)
    }
}

enum PearsonCorrelation {
    /// r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); nil when either series is constant.
    static func coefficient(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count > 1 else { return nil }
        let mx = x.reduce(0, +) / Double(x.count)
        let my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}
