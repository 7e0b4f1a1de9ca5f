import FootfallCore
import Logging
import ServiceLifecycle

/// Ticks the pipeline with the wall clock every second, for live sources: how a visit's end
/// is noticed when a device falls silent.
public struct WallClockTicker: Service {
    let bus: InputBus
    let timing: Timing
    let logger: Logger
    public init(bus: InputBus, timing: Timing = .live, logger: Logger = Logger(label: "footfall.clock")) {
        self.bus = bus
        self.timing = timing
        self.logger = logger
    }

    public func run() async throws {
        var steps = ClockStepDetector()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = timing.now()
            if let step = steps.check(wall: now, elapsed: timing.elapsed()) { logger.warning("\(ClockStepDetector.message(step))") }
            bus.send(.tick(now))
            try? await timing.sleep(.seconds(1))
        }
    }
}

/// Tells a step of the wall clock (NTP setting a clock that was wrong, a clock set by hand) from
/// the time that passed: the live pipeline's time is the wall clock's, so a step forward reads
/// as a silence of its length (the visits in progress end, and begin again), and a step back
/// as readings that come late.
struct ClockStepDetector {
    /// A difference between the wall clock's and the monotonic clock's progress larger than
    /// this (s) is a step: ticks a second apart drift by milliseconds.
    static let threshold = 5.0
    private var last: (wall: Double, elapsed: Double)?

    /// The step (s, negative back) since the last check, or nil.
    mutating func check(wall: Double, elapsed: Double) -> Double? {
        defer { last = (wall, elapsed) }
        guard let last else { return nil }
        let step = (wall - last.wall) - (elapsed - last.elapsed)
        return abs(step) > Self.threshold ? step : nil
    }

    static func message(_ step: Double) -> String {
        let seconds = Int(abs(step).rounded())
        if step > 0 {
            return "the system clock was stepped forward by \(seconds) s (NTP setting a clock that was wrong, or by hand): the visits in progress read it as \(seconds) s of silence, and those of shoppers still in the store end and begin again; on a gateway without a battery-backed clock, enable systemd-time-wait-sync.service so that footfall starts once the clock is set (docs/gateway.md)"
        }
        return "the system clock was stepped back by \(seconds) s (NTP, or by hand): no locate round runs until it has caught up, and readings that fall more than presence.exit_after behind are left (docs/configuration.md); on a gateway without a battery-backed clock, enable systemd-time-wait-sync.service so that footfall starts once the clock is set (docs/gateway.md)"
    }
}
