import FootfallCore
import Logging
import ServiceLifecycle
import WiFi

/// Captures Wi-Fi probe requests from a pcap/pcapng file or a live monitor-mode interface
/// and yields them as observations. A file ends the service at its end; a live capture runs
/// until the service group shuts down.
public struct WiFiCaptureService: Service {
    public enum Source: Hashable, Sendable {
        case file(String)
        case interface(String, filter: String = PcapCapture.probeRequestFilter)
    }

    /// How long a live capture sleeps when no frame is waiting: the most a probe request
    /// waits before it is yielded.
    static let idlePause = Duration.milliseconds(20)

    public let source: Source
    public let sensor: SensorID
    private let logger: Logger
    private let yield: @Sendable (Observation) async throws -> Void

    public init(source: Source, sensor: SensorID, logger: Logger, yield: @escaping @Sendable (Observation) async throws -> Void) {
        self.source = source
        self.sensor = sensor
        self.logger = logger
        self.yield = yield
    }

    /// Whether `path` is a capture this service reads — a pcap or pcapng file of a link type
    /// that carries the signal — opened and closed again (`footfall run --check`).
    public static func check(file path: String) throws(PcapError) {
        _ = try WiFiObservationReader(capture: try PcapCapture.file(path), sensor: SensorID("check"))
    }

    public func run() async throws {
        let capture: PcapCapture
        switch source {
        case .file(let path): capture = try PcapCapture.file(path)
        case .interface(let name, let filter): capture = try PcapCapture.live(interface: name, filter: filter)
        }
        let reader = try WiFiObservationReader(capture: capture, sensor: sensor)
        logger.info("capturing Wi-Fi probe requests", metadata: [
            "source": "\(capture.source)", "link_type": "\(capture.linkType.rawValue)", "sensor": "\(sensor)",
        ])
        var reportedMalformed = false
        var sinceYield = 0
        loop: while !Task.isCancelled && !Task.isShuttingDownGracefully {
            switch try reader.next() {
            case .observation(let observation):
                try await yield(observation)
            case .idle:
                // Nothing waiting on the interface: sleep briefly rather than block a thread.
                try? await Task.sleep(for: Self.idlePause)
                sinceYield = 0
            case .end:
                break loop
            }
            if !reportedMalformed, let first = reader.summary.firstMalformed {
                logger.warning("skipping malformed frames", metadata: [
                    "first": "\(reader.summary.firstMalformedPacket.map { "packet \($0): " } ?? "")\(first)",
                ])
                reportedMalformed = true
            }
            sinceYield += 1
            if sinceYield >= 1024 {
                // Let other tasks run during a long file.
                await Task.yield()
                sinceYield = 0
            }
        }
        logger.info("capture ended", metadata: ["summary": "\(reader.summary)"])
    }
}
