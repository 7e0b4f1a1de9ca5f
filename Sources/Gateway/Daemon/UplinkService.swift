import FootfallCore
import Forwarding
import Logging
import ServiceLifecycle

/// A sensor gateway's consumer of the bus (`upstream:` in the configuration): every observation
/// its sources hear goes to the locating gateway through the uplink; nothing is located here.
/// On shutdown the sources stop first, then what is buffered is sent (as far as the locating
/// gateway takes it).
struct UplinkService: Service {
    let bus: InputBus
    let uplink: ObservationUplink
    let live: LiveState
    let metrics: GatewayMetrics
    let logger: Logger

    func run() async throws {
        await live.markReady()
        let uplink = self.uplink, bus = self.bus
        async let sending: Void = uplink.run()
        await withGracefulShutdownHandler {
            for await input in bus.stream {
                bus.taken(input)
                let list: [Observation]
                switch input {
                case .observation(let o): list = [o]
                case .observations(let batch): list = batch
                case .tick, .endOfRecording: continue
                }
                // Counted once per input, not per observation (a batch is one input).
                var counts: [SensorID: Int] = [:]
                for o in list {
                    counts[o.sensor, default: 0] += 1
                    uplink.append(o)
                }
                for (sensor, count) in counts { metrics.observations(sensor: sensor, count: count) }
                if let last = list.last { await live.record(observations: counts, lastAt: last.time) }
            }
        } onGracefulShutdown: {
            bus.finish()
        }
        uplink.finish()
        await sending
        let status = uplink.status
        logger.info("uplink stopped", metadata: ["sent": "\(status.sent)", "dropped": "\(status.dropped)", "left": "\(status.buffered)"])
    }

    /// For `/api/status`.
    static func describe(_ status: ObservationUplink.Status, url: String) -> String {
        var text = "\(url): \(status.sent) sent, \(status.buffered) buffered, \(status.dropped) dropped"
        if let failure = status.lastFailure { text += "; failing: \(failure)" }
        return text
    }
}
