import FootfallCore
import Foundation
import Logging
import ServiceLifecycle

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

    /// Runs the store's sources for `seconds` and returns the observations they made, stamped
    /// from the start on. Throws when the store's sources replay recordings (a trace, a capture
    /// file: give that file as a trace instead) or cannot be made.
    public static func record(configuration: StoreConfiguration, seconds: Double, logger: Logger) async throws -> Recorded {
        let bus = InputBus()
        let made = try SourceFactory.services(
            for: configuration, bus: bus, metrics: GatewayMetrics(), timing: .live, logger: logger)
        guard !made.services.isEmpty else {
            throw Refusal(description: "\(configuration.file) names no sources; list the gateway's live sources under sources:, or record from a trace (--source trace:FILE)")
        }
        guard made.live else {
            throw Refusal(description: "the sources of \(configuration.file) replay recordings; record from the recording itself (--source trace:FILE, after `footfall convert` for a capture)")
        }
        let start = Timing.live.now()
        let collecting = Task {
            var heard: [Observation] = []
            for await input in bus.stream {
                bus.taken(input)
                switch input {
                case .observation(let observation): heard.append(observation)
                case .observations(let list): heard += list
                default: break
                }
            }
            return heard
        }
        let group = ServiceGroup(configuration: .init(services: made.services, logger: logger))
        let running = Task { try await group.run() }
        try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        bus.finish()
        let heard = await collecting.value
        let end = start + seconds
        return Recorded(observations: heard.filter { $0.time >= start && $0.time < end }, states: made.board.snapshot)
    }
}
