import FootfallCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The store file's own live sources run for a while outside a gateway, and what they heard:
/// `footfall calibrate record --source live` at a survey point. The sources are the ones
/// `footfall run` would start (an ESPresense broker, a BlueZ adapter, a serial controller, a
/// Wi-Fi interface); a broker is shared with a running gateway, an adapter or a serial
/// controller only if the system lets a second reader open it.
public enum SourceRecording {
    public struct Recorded: Sendable {
        public var observations: [Observation]
        /// Each source's state at the end (`source mqtt …: ok`), for when nothing was heard.
        public var states: [String: String]
    }

    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs the store's sources until they have heard something, then for `seconds` from that
    /// first reading (a source connecting to its broker or adapter takes a moment: the window is
    /// of readings, not of the start-up), and returns what they heard in it. Waits at most
    /// `waitForFirst` for the first reading. Throws when the store's sources replay recordings
    /// (a trace, a capture file: give that file as a trace instead) or cannot be made.
    /// How long `record` waits for the first reading (s) while the sources connect.
    public static let waitForFirstReading = 30.0

    public static func record(
        configuration: StoreConfiguration, seconds: Double, waitForFirst: Double = waitForFirstReading, logger: Logger
    ) async throws -> Recorded {
        let bus = InputBus()
        let made = try SourceFactory.services(
            for: configuration, bus: bus, metrics: GatewayMetrics(), timing: .live, logger: logger)
        guard !made.services.isEmpty else {
            throw Refusal(description: "\(configuration.file) names no sources; list the gateway's live sources under sources:, or record from a trace (--source trace:FILE)")
        }
        guard made.live else {
            throw Refusal(description: "the sources of \(configuration.file) replay recordings; record from the recording itself (--source trace:FILE, after `footfall convert` for a capture)")
        }
        // When (the wall clock) the first reading arrived: the window is of arrivals, so that
        // a batch with its sensor's backlog, or a sensor's clock behind, neither shortens the
        // listening nor brings in readings from before the surveyor stood at the point.
        let clock = Timing.live
        let first = Mutex<Double?>(nil)
        let collecting = Task {
            var heard: [(arrived: Double, observation: Observation)] = []
            for await input in bus.stream {
                bus.taken(input)
                let arrived = clock.now()
                switch input {
                case .observation(let observation): heard.append((arrived, observation))
                case .observations(let list): heard += list.map { (arrived, $0) }
                default: continue
                }
                first.withLock { $0 = $0 ?? arrived }
            }
            return heard
        }
        let group = ServiceGroup(configuration: .init(services: made.services, logger: logger))
        let running = Task { try await group.run() }
        let giveUp = clock.now() + waitForFirst
        while first.withLock({ $0 }) == nil, clock.now() < giveUp {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if let start = first.withLock({ $0 }) {
            let left = start + seconds - clock.now()
            if left > 0 { try? await Task.sleep(for: .milliseconds(Int64(left * 1000))) }
        }
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        bus.finish()
        let heard = await collecting.value
        guard let start = first.withLock({ $0 }) else { return Recorded(observations: [], states: made.board.snapshot) }
        return Recorded(observations: heard.filter { $0.arrived >= start && $0.arrived < start + seconds }.map(\.observation), states: made.board.snapshot)
    }
}
