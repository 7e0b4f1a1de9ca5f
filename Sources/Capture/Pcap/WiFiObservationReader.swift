import FootfallCore
import WiFi

/// Turns a capture's packets into observations: probe requests with a signal become
/// observations; everything else is counted in `summary`, with the first problem of each
/// kind kept for the log.
public final class WiFiObservationReader {
    public enum Step {
        case observation(Observation)
        /// A live capture had nothing to read for a while.
        case idle
        case end
    }

    public struct Summary: Hashable, Sendable, CustomStringConvertible {
        public var packets = 0
        public var observations = 0
        /// Frames that are not probe requests (with a filter, few or none).
        public var otherFrames = 0
        public var badFCS = 0
        public var withoutSignal = 0
        public var malformed = 0
        public var firstMalformed: WiFiDecodingError?
        /// The first malformed packet's number (from 1) and, when the capture cut it at its
        /// snapshot length, how many of its bytes were kept and how many it had.
        public var firstMalformedPacket: Int?
        public var firstMalformedCut: PcapCapture.Cut?
        /// Probe requests no station sends as received (`WiFiPacket.implausibility`).
        public var implausible = 0
        public var firstImplausible: Implausible?
        /// Why the first probe request without a signal strength has none.
        public var firstWithoutSignal: WiFiObservationError?

        public var description: String {
            var text = "\(packets) packets: \(observations) probe requests observed, \(otherFrames) other frames, \(malformed) malformed, \(badFCS) with a bad FCS, \(implausible) implausible, \(withoutSignal) without signal strength"
            if let firstMalformed {
                text += "; first malformed: \(firstMalformedPacket.map { "packet \($0): " } ?? "")\(firstMalformed)"
                if let cut = firstMalformedCut {
                    text += " (the capture kept \(cut.captured) of its \(cut.original) bytes: capture with a larger snapshot length, e.g. tcpdump -s 0)"
                }
            }
            if let firstImplausible { text += "; first implausible: packet \(firstImplausible.packet): \(firstImplausible.reason)" }
            if let firstWithoutSignal { text += "; without signal strength: \(firstWithoutSignal)" }
            return text
        }

        public struct Implausible: Hashable, Sendable {
            public var packet: Int
            public var reason: String
        }
    }

    public let capture: PcapCapture
    public let sensor: SensorID
    public private(set) var summary = Summary()

    /// - Throws: `PcapError.noSignalStrength` for link type 105, whose frames carry no RSSI.
    public init(capture: PcapCapture, sensor: SensorID) throws(PcapError) {
        guard capture.linkType.carriesSignal else { throw .noSignalStrength(capture.linkType, source: capture.source) }
        self.capture = capture
        self.sensor = sensor
    }

    public func next() throws(PcapError) -> Step {
        while true {
            switch try capture.next() {
            case .endOfFile: return .end
            case .timeout: return .idle
            case .packet(let time, let bytes):
                summary.packets += 1
                let packet: WiFiPacket
                do {
                    packet = try WiFiPacket(decoding: bytes, linkType: capture.linkType)
                } catch {
                    summary.malformed += 1
                    if summary.firstMalformed == nil {
                        summary.firstMalformed = error
                        summary.firstMalformedPacket = summary.packets
                        summary.firstMalformedCut = capture.lastPacketCut
                    }
                    continue
                }
                do {
                    // The one rule for what makes an observation lives beside the decoder.
                    guard let observation = try packet.observation(time: time, sensor: sensor) else {
                        if packet.probeRequest == nil {
                            summary.otherFrames += 1
                        } else if packet.hasBadFCS {
                            summary.badFCS += 1
                        } else {
                            summary.implausible += 1
                            if summary.firstImplausible == nil, let reason = packet.implausibility { summary.firstImplausible = .init(packet: summary.packets, reason: reason) }
                        }
                        continue
                    }
                    summary.observations += 1
                    return .observation(observation)
                } catch {
                    summary.withoutSignal += 1
                    if summary.firstWithoutSignal == nil { summary.firstWithoutSignal = error }
                }
            }
        }
    }
}
