import FootfallCore
import ServiceLifecycle

/// Ticks the pipeline with the wall clock every second, for live sources: how a visit's end
/// is noticed when a device falls silent.
public struct WallClockTicker: Service {
    let bus: InputBus
    let timing: Timing
    public init(bus: InputBus, timing: Timing = .live) {
        self.bus = bus
        self.timing = timing
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            bus.send(.tick(timing.now()))
            try? await timing.sleep(.seconds(1))
        }
    }
}
