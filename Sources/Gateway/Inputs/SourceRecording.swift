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
    public static func record(
        configuration: StoreConfiguration, seconds: Double, waitForFirst: Double = 30, logger: Logger
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
        // The time of the first reading heard, by the readings' own clock (the wall clock, live).
        let first = Mutex<Double?>(nil)
        let collecting = Task {
            var heard: [Observation] = []
            for await input in bus.stream {
                bus.taken(input)
                switch input {
                case .observation(let observation): heard.append(observation)
                case .observations(let list): heard += list
                default: continue
                }
                if let earliest = heard.last.map(\.time) { first.withLock { $0 = $0.map { min($0, earliest) } ?? earliest } }
            }
            return heard
        }
        let group = ServiceGroup(configuration: .init(services: made.services, logger: logger))
        let running = Task { try await group.run() }
        let clock = Timing.live
        let giveUp = clock.now() + waitForFirst
        while first.withLock({ $0 }) == nil, clock.now() < giveUp {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if let start = first.withLock({ $0 }) {
            // A moment past the window's end, for its last readings to come through.
            let left = start + seconds + 0.25 - clock.now()
            if left > 0 { try? await Task.sleep(for: .milliseconds(Int64(left * 1000))) }
        }
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        bus.finish()
        let heard = await collecting.value
        guard let start = first.withLock({ $0 }) else { return Recorded(observations: [], states: made.board.snapshot) }
        return Recorded(observations: heard.filter { $0.time >= start && $0.time < start + seconds }, states: made.board.snapshot)
    }
}
