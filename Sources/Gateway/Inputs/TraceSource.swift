import FootfallCore
import Foundation
import Logging
import ServiceLifecycle

/// Replays a trace file into the pipeline, at recorded speed (times `speed`) or as fast as
/// possible, optionally looping. Ticks come from the trace's own time, so a replay at any
/// speed gives the same events as `footfall replay`. `run` returns when the trace is replayed
/// (never, looping) and throws at a line it cannot read.
public struct TraceSource: Service {
    public let path: String
    /// 1 = recorded speed, 10 = ten times faster, nil = as fast as possible.
    public let speed: Double?
    public let loop: Bool
    /// After the last observation the trace's clock runs on this long, so its visits end.
    public let finishAfter: Double
    let bus: InputBus
    let logger: Logger

    public init(path: String, speed: Double?, loop: Bool, finishAfter: Double = 180, bus: InputBus, logger: Logger) {
        self.path = path
        self.speed = speed
        self.loop = loop
        self.finishAfter = finishAfter
        self.bus = bus
        self.logger = logger
    }

    /// How late (at most) an observation of a paced replay is sent, gathered with its neighbours.
    /// Each burst wakes the source and the pipeline: at 10,000 observations a second the daemon
    /// took 12.1–13.3 % of a core with bursts of 5 ms and 9.4–10.9 % with bursts of 20 ms
    /// (`Tests/Benchmarks/daemon-load.sh`, four runs each in turn, 2026-12-06). The pipeline
    /// batches a second at a time, so 20 ms late changes no estimate or event.
    static let burst = Duration.milliseconds(20)
    /// Most observations sent as one input (a replay as fast as possible is one long burst).
    static let largestBurst = 512
    /// The longest a paced replay waits for one observation (s): a year.
    static let longestWait = 365 * 86_400.0

    public func run() async throws {
        var pass = 0
        var offset = 0.0
        var lastTime: Double?
        repeat {
            let reader = try TraceReader(path: path)
            var first: Double?
            let started = ContinuousClock.now
            var lastTick = -Double.infinity
            // Observations go to the bus in bursts: all that have come due, up to a tick.
            var burst: [Observation] = []
            func flush() async {
                guard !burst.isEmpty else { return }
                await bus.sendWhenRoom(.observations(burst))
                burst.removeAll(keepingCapacity: true)
            }
            // A bad line stops the source, but what was read before it reaches the pipeline.
            func next() async throws -> Observation? {
                do {
                    return try reader.read()
                } catch {
                    await flush()
                    throw error
                }
            }
            while let observation = try await next() {
                // SIGTERM: stop reading; the pipeline then drains what was sent.
                if Task.isCancelled || Task.isShuttingDownGracefully {
                    await flush()
                    return
                }
                if first == nil { first = observation.time }
                if let speed, let first {
                    // At most a year ahead (a tiny speed over a long trace is no wait a clock holds).
                    let wait = min(max((observation.time - first) / speed, 0), Self.longestWait)
                    let due = started + .microseconds(Int64(wait * 1_000_000))
                    // Sleep a few milliseconds past the due time, then send what has come due
                    // in one burst: one wake-up per burst, not one per observation.
                    if due > ContinuousClock.now {
                        await flush()
                        try? await Task.sleep(until: due + Self.burst, clock: .continuous)
                    }
                }
                var o = observation
                // A looped trace carries on in time after its previous pass.
                o.time += offset
                // The clock moves to the last time fully sent, never to this observation's own:
                // the pipeline's round at a time includes the readings stamped with it, as
                // `footfall replay` runs it, so a tick at `o.time` sent before `o` would run
                // that round without them.
                if let previous = lastTime, o.time > previous, previous - lastTick >= 1 {
                    await flush()
                    await bus.sendWhenRoom(.tick(previous))
                    lastTick = previous
                }
                burst.append(o)
                if burst.count >= Self.largestBurst { await flush() }
                lastTime = o.time
            }
            await flush()
            pass += 1
            logger.info("trace replayed", metadata: ["trace": "\(path)", "pass": "\(pass)"])
            if let lastTime, let first { offset = lastTime + 1 - first }
        } while loop && !Task.isCancelled && !Task.isShuttingDownGracefully
        // Let the pipeline's clock run on so every visit of the trace ends.
        if let lastTime { bus.send(.endOfRecording(lastTime + finishAfter)) }
        // Returns once replayed: `SupervisedSource` shows it finished and keeps the daemon up.
    }
}
