import Foundation
import ServiceLifecycle

/// Ticks the pipeline with the wall clock every second, for live sources: how a visit's end
/// is noticed when a device falls silent.
public struct WallClockTicker: Service {
    let bus: InputBus
    public init(bus: InputBus) { self.bus = bus }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            bus.send(.tick(Date().timeIntervalSince1970))
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
