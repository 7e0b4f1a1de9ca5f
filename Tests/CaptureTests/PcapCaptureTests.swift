import Capture
import FootfallCore
import FootfallTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing
import WiFi

@Suite struct PcapCaptureTests {
    static let fryza = Fixtures.dataset("wifi-probes-fryza/sc6-61_2022-11-24.pcap").path

    static func observations(_ path: String, sensor: SensorID = "s1") throws -> (observations: [Observation], summary: WiFiObservationReader.Summary) {
        let reader = try WiFiObservationReader(capture: try PcapCapture.file(path), sensor: sensor)
        var observations: [Observation] = []
        while case .observation(let o) = try reader.next() { observations.append(o) }
        return (observations, reader.summary)
    }

    @Test func libpcapReadsEveryProbeRequestOfTheFryzaCapture() throws {
        let (observations, summary) = try Self.observations(Self.fryza, sensor: "sc6-61")
        #expect(observations.count == 2321)
        #expect(summary.packets == 2321 && summary.malformed == 0)
        #expect(observations.first == Observation(
            time: 1_669_244_963.947861, sensor: "sc6-61", device: "wifi:84:16:f9:f2:da:8b", rssi: -92, radio: .wifi, channel: 2
        ))
        #expect(observations.map(\.time) == observations.map(\.time).sorted())
    }

    @Test func pcapngFilesAreReadWithTheirTimestamps() throws {
        let path = try PcapTestFiles.write(PcapTestFiles.pcapng(linkType: 127, packets: [
            (1_700_000_000_250_000, PcapTestFiles.probeRequest(signal: -55)),
            (1_700_000_001_500_000, PcapTestFiles.probeRequest(signal: -70, source: [0x02, 0, 0, 0, 0, 1])),
        ]), name: "two.pcapng")
        let (observations, _) = try Self.observations(path)
        #expect(observations == [
            Observation(time: 1_700_000_000.25, sensor: "s1", device: "wifi:84:16:f9:f2:da:8b", rssi: -55, radio: .wifi, channel: 6),
            Observation(time: 1_700_000_001.5, sensor: "s1", device: "wifi:02:00:00:00:00:01", rssi: -70, radio: .wifi, channel: 6),
        ])
    }

    @Test func linkType105IsRefusedWithAMessageThatItHasNoSignalStrength() throws {
        let path = try PcapTestFiles.write(PcapTestFiles.classic(linkType: 105, packets: [(1, 0, PcapTestFiles.bareProbeRequest())]), name: "bare.pcap")
        let capture = try PcapCapture.file(path)
        #expect(capture.linkType == .ieee80211)
        let error = try #require(throws: PcapError.self) { try WiFiObservationReader(capture: capture, sensor: "s1") }
        #expect(error.description.contains("carries no signal strength"))
        #expect(error.description.contains("iw dev wlan0 set type monitor"))
    }

    @Test func ethernetCaptureIsRefusedAsNot80211() throws {
        let path = try PcapTestFiles.write(PcapTestFiles.classic(linkType: 1, packets: []), name: "ethernet.pcap")
        let error = try #require(throws: PcapError.self) { try PcapCapture.file(path) }
        #expect(error == .unsupportedLinkType(1, source: path))
    }

    @Test func missingFileSaysSoInOneLine() throws {
        let error = try #require(throws: PcapError.self) { try PcapCapture.file("/nonexistent/probe.pcap") }
        #expect(error.description.hasPrefix("/nonexistent/probe.pcap: cannot be read"))
        #expect(!error.description.contains("\n"))
    }

    @Test func missingInterfaceGivesTheMonitorModeRemedy() throws {
        let error = try #require(throws: PcapError.self) { try PcapCapture.live(interface: "ffwlan9") }
        // Without the right to capture, libpcap cannot tell a missing interface from a forbidden one.
        if case .permissionDenied = error { return }
        #expect(error == .interfaceNotFound("ffwlan9"))
        #expect(error.description.contains("iw dev ffwlan9 set type monitor"))
    }

    @Test func nonMonitorInterfaceIsRefusedWithTheRemedy() throws {
        let error = try #require(throws: PcapError.self) { try PcapCapture.live(interface: "lo") }
        if case .permissionDenied = error { return }
        #expect(error == .notMonitorMode(interface: "lo", linkType: 1))
        #expect(error.description.contains("iw dev lo set type monitor"))
    }

    @Test func serviceYieldsEveryObservationOfAFileAndLogsASummary() async throws {
        let collected = Collector()
        let logs = LogRecorder()
        let service = WiFiCaptureService(
            source: .file(Self.fryza), sensor: "sc6-61",
            logger: Logger(label: "test") { _ in logs.handler() },
            yield: { await collected.append($0) }
        )
        try await service.run()
        #expect(await collected.observations.count == 2321)
        #expect(logs.messages.contains { $0.hasPrefix("capture ended") && $0.contains("2321 probe requests observed") })
    }
}

actor Collector {
    var observations: [Observation] = []
    func append(_ observation: Observation) { observations.append(observation) }
}

/// Keeps log lines in memory so a test can read them (no global bootstrap).
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var messages: [String] { lock.withLock { lines } }

    func handler() -> some LogHandler { Handler(recorder: self) }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let text = "\(event.message) \(event.metadata ?? [:])"
            recorder.lock.withLock { recorder.lines.append(text) }
        }
    }
}

@Suite struct AVSCaptureTests {
    static func avsHeader(signalType: UInt32, signal: Int32, channel: UInt32) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 64)
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { header[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        put(0x8021_1001, at: 0)
        put(64, at: 4)
        put(channel, at: 28)
        put(signalType, at: 44)
        put(UInt32(bitPattern: signal), at: 48)
        return header
    }

    @Test func avsFramesWithDBmSignalBecomeObservationsAndOthersAreCounted() throws {
        let path = try PcapTestFiles.write(PcapTestFiles.classic(linkType: 163, packets: [
            (10, 0, Self.avsHeader(signalType: 2, signal: -67, channel: 11) + PcapTestFiles.bareProbeRequest()),
            (11, 0, Self.avsHeader(signalType: 1, signal: 500, channel: 11) + PcapTestFiles.bareProbeRequest()),
        ]), name: "avs.pcap")
        let (observations, summary) = try PcapCaptureTests.observations(path)
        #expect(observations == [
            Observation(time: 10, sensor: "s1", device: "wifi:84:16:f9:f2:da:8b", rssi: -67, radio: .wifi, channel: 11),
        ])
        #expect(summary.withoutSignal == 1)
        // Why, said once in the summary (it was counted and not said).
        #expect(summary.description.contains("without signal strength: "), "\(summary)")
    }

    /// The summary names the first malformed packet by its number, and says when the capture
    /// cut it at its snapshot length (audit: a cut frame read as a corrupt one).
    @Test func theFirstMalformedPacketIsNumberedAndACutOneSaidSo() throws {
        let whole = PcapTestFiles.probeRequest(signal: -60)
        let path = try PcapTestFiles.write(PcapTestFiles.classic(
            linkType: 127, packets: [(1, 0, whole), (2, 0, Array(whole.prefix(20))), (3, 0, whole)], originalLengths: [1: whole.count]
        ), name: "cut.pcap")
        let (observations, summary) = try PcapCaptureTests.observations(path)
        #expect(observations.count == 2)
        #expect(summary.malformed == 1 && summary.firstMalformedPacket == 2)
        #expect(summary.description.contains("first malformed: packet 2: "), "\(summary)")
        #expect(summary.description.contains("the capture kept 20 of its \(whole.count) bytes"), "\(summary)")
    }

    @Test func aProbeRequestNoStationSendsIsCountedImplausibleNotAsAnotherFrame() throws {
        let path = try PcapTestFiles.write(PcapTestFiles.classic(linkType: 127, packets: [
            (1, 0, PcapTestFiles.probeRequest(signal: -60, source: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])),
            (2, 0, PcapTestFiles.probeRequest(signal: 40)),
            (3, 0, PcapTestFiles.probeRequest(signal: -60)),
        ]), name: "implausible.pcap")
        let (observations, summary) = try PcapCaptureTests.observations(path)
        #expect(observations.count == 1)
        #expect(summary.implausible == 2 && summary.otherFrames == 0)
        #expect(summary.description.contains("first implausible: packet 1: a group source address"), "\(summary)")
    }
}
