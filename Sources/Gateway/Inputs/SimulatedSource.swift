import FootfallCore
import Foundation
import Logging
import ServiceLifecycle
import Simulation
import Synchronization

/// The simulator running live: today's shoppers walking the store in real time (or `speed`
/// times faster), for demonstrations and for gateways without a radio. The simulated clock
/// starts at the wall clock's now; it ticks the pipeline every simulated second.
public struct SimulatedSource: Service {
    public let layout: StoreLayout
    public let settings: StoreSimulator.Settings
    public let speed: Double
    let bus: InputBus
    let logger: Logger
    /// The wall clock the simulated one starts at and keeps pace with.
    let timing: Timing

    public init(
        layout: StoreLayout, settings: StoreSimulator.Settings, speed: Double = 1, bus: InputBus, logger: Logger, timing: Timing = .live
    ) {
        self.layout = layout
        self.settings = settings
        self.speed = speed
        self.bus = bus
        self.logger = logger
        self.timing = timing
    }

    public func run() async throws {
        var settings = self.settings
        settings.startTime = timing.now().rounded(.down)
        let simulator = StoreSimulator(layout: layout, settings: settings)
        logger.info("simulating the store live", metadata: ["people": "\(simulator.people.count)", "hours": "\(settings.hours)"])
        let bus = self.bus, speed = self.speed, now = timing.now
        let start = settings.startTime
        let wallStart = now()
        // The simulator calls back synchronously; it runs on its own thread, sleeping until
        // each observation is due, and stops when the task is cancelled.
        let cancelled = Cancellation()
        let thread = Thread {
            var lastTick = start
            struct Stop: Error {}
            try? simulator.run(
                observation: { o in
                    if cancelled.isCancelled { throw Stop() }
                    let due = wallStart + (o.time - start) / speed
                    let wait = due - now()
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
            cancelled.cancel()
        }
        cancelled.cancel()
    }
}

/// Tells the simulator's thread to stop; the task sets it, the thread reads it.
private final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
