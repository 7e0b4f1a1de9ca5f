import FootfallCore
import Foundation
import Logging
import ServiceLifecycle
import Simulation

/// The simulator running live: today's shoppers walking the store in real time (or `speed`
/// times faster), for demonstrations and for gateways without a radio. The simulated clock
/// starts at the wall clock's now; it ticks the pipeline every simulated second.
public struct SimulatedSource: Service {
    public let layout: StoreLayout
    public let settings: StoreSimulator.Settings
    public let speed: Double
    let bus: InputBus
    let logger: Logger

    public init(layout: StoreLayout, settings: StoreSimulator.Settings, speed: Double = 1, bus: InputBus, logger: Logger) {
        self.layout = layout
        self.settings = settings
        self.speed = speed
        self.bus = bus
        self.logger = logger
    }

    public func run() async throws {
        var settings = self.settings
        settings.startTime = (Date().timeIntervalSince1970).rounded(.down)
        let simulator = StoreSimulator(layout: layout, settings: settings)
        logger.info("simulating the store live", metadata: ["people": "\(simulator.people.count)", "hours": "\(settings.hours)"])
        let bus = self.bus, speed = self.speed
        let start = settings.startTime
        let wallStart = Date().timeIntervalSince1970
        // The simulator calls back synchronously; it runs on its own thread, sleeping until
        // each observation is due, and stops when the task is cancelled.
        let cancelled = LockedFlag()
        let thread = Thread {
            var lastTick = start
            struct Stop: Error {}
            try? simulator.run(
                observation: { o in
                    if cancelled.value { throw Stop() }
                    let due = wallStart + (o.time - start) / speed
                    let wait = due - Date().timeIntervalSince1970
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                    while o.time - lastTick >= 1 {
                        lastTick += 1
                        bus.send(.tick(lastTick))
                    }
                    bus.send(.observation(o))
                },
                truth: { _ in })
        }
        thread.start()
        await withTaskCancellationHandler {
            try? await gracefulShutdown()
        } onCancel: {
            cancelled.set()
        }
        cancelled.set()
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
