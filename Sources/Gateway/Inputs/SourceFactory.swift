import BLE
import Capture
import FootfallCore
import Foundation
import Logging
import ServiceLifecycle
import Simulation
import Synchronization

/// The sources named in the configuration (docs/configuration.md), as services feeding the bus.
///
/// A gateway either listens live (`hci`, `h4`, `pcap` on an interface, `simulate`, remote
/// sensors) and ticks the pipeline with the wall clock, or replays recordings (`trace`,
/// `btsnoop`, `pcap` from a file), whose own clocks tick it; mixing the two would put two
/// clocks in one pipeline, so the configuration is refused.
enum SourceFactory {
    struct Made {
        var services: [any Service]
        var board: SourceBoard
    }

    /// The `type:` of a source.
    enum Kind: String, CaseIterable {
        case hci, h4, pcap, btsnoop, trace, simulate, mqtt
    }

    /// What ticks the pipeline: the wall clock, or the recordings' own time.
    enum Clock: String {
        case recorded, live
    }

    static func services(
        for configuration: StoreConfiguration, resolver: IdentityResolver = IdentityResolver(), bus: InputBus,
        metrics: GatewayMetrics, logger: Logger
    ) throws -> Made {
        var services: [any Service] = []
        let board = SourceBoard()
        var clock: (kind: Clock, index: Int)?
        let finishAfter = configuration.presence.exitAfter + 60

        func claim(_ kind: Clock, _ index: Int, _ options: OptionsReader) throws {
            if let clock, clock.kind != kind {
                throw options.error(field: "type", "a gateway either replays recordings or listens live; sources[\(clock.index)] is \(clock.kind.rawValue) and this one is \(kind.rawValue) — run them in separate gateways")
            }
            clock = clock ?? (kind, index)
        }

        for (index, source) in configuration.sources.enumerated() {
            let options = OptionsReader.source(source, file: configuration.file)
            let kind = try options.kind(as: Kind.self) {
                "'\($0)' is not a source this gateway knows; use hci, h4, pcap, btsnoop, trace, simulate or mqtt"
            }
            switch kind {
            case .trace:
                try options.rejectUnknown(["path", "speed", "loop"])
                try claim(.recorded, index, options)
                let path = try options.path("path")
                let speed = try options.double("speed")
                let trace = TraceSource(
                    path: path, speed: speed == 0 ? nil : (speed ?? 1), loop: try options.bool("loop") ?? false,
                    finishAfter: finishAfter, bus: bus, logger: logger)
                services.append(SupervisedSource(name: "trace \(path)", recorded: true, board: board, metrics: metrics, logger: logger, source: trace))
            case .simulate:
                try options.rejectUnknown(["hours", "shoppers_per_hour", "seed", "speed"])
                try claim(.live, index, options)
                var settings = StoreSimulator.Settings()
                settings.hours = try options.double("hours") ?? 24
                settings.shoppersPerHour = try options.double("shoppers_per_hour") ?? 300
                settings.seed = UInt64(try options.double("seed") ?? 1)
                let simulated = SimulatedSource(layout: configuration.layout, settings: settings, speed: try options.double("speed") ?? 1, bus: bus, logger: logger)
                services.append(SupervisedSource(name: "simulate", recorded: false, board: board, metrics: metrics, logger: logger, source: simulated))
            case .hci:
                try options.rejectUnknown(["adapter", "sensor"])
                try claim(.live, index, options)
                let sensor = try options.sensor(in: configuration.layout)
                let adapter = options.string("adapter") ?? "hci0"
                guard adapter.hasPrefix("hci"), Int(adapter.dropFirst(3)) != nil else {
                    throw options.error(field: "adapter", "'\(adapter)' is not an adapter name like hci0 (see `hciconfig` or `btmgmt info`)")
                }
                let feed = LiveFeed(bus: bus)
                var hci = BlueZHCISource(adapter: adapter, sensor: sensor, resolver: resolver, logger: logger, onObservation: feed.send)
                hci.metrics = BLECaptureMetrics(source: "hci", factory: metrics.factory)
                services.append(SupervisedSource(name: "hci \(adapter)", recorded: false, board: board, metrics: metrics, logger: logger, source: hci))
            case .h4:
                try options.rejectUnknown(["device", "sensor", "flow_control"])
                try claim(.live, index, options)
                let sensor = try options.sensor(in: configuration.layout)
                guard let text = options.string("device") else {
                    throw options.error(field: "device", "is missing; give the serial controller, e.g. /dev/ttyACM0 or /dev/ttyUSB0@1000000")
                }
                let device: SerialDevice
                do {
                    device = try SerialDevice.parse(text, flowControl: try options.bool("flow_control") ?? true)
                } catch {
                    throw options.error(field: "device", "\(error)")
                }
                let feed = LiveFeed(bus: bus)
                var h4 = H4SerialSource(device: device, sensor: sensor, resolver: resolver, logger: logger, onObservation: feed.send)
                h4.metrics = BLECaptureMetrics(source: "h4", factory: metrics.factory)
                services.append(SupervisedSource(name: "h4 \(device.path)", recorded: false, board: board, metrics: metrics, logger: logger, source: h4))
            case .btsnoop:
                try options.rejectUnknown(["path", "sensor", "speed", "loop"])
                try claim(.recorded, index, options)
                let sensor = try options.sensor(in: configuration.layout)
                let path = try options.path("path")
                let speed = try options.double("speed") ?? 1
                let feed = RecordedFeed(bus: bus, finishAfter: finishAfter)
                var btsnoop = BtsnoopReplaySource(
                    path: path, sensor: sensor, resolver: resolver,
                    speed: speed == 0 ? .asFastAsPossible : .recorded(factor: speed), logger: logger, onObservation: feed.send)
                btsnoop.metrics = BLECaptureMetrics(source: "btsnoop", factory: metrics.factory)
                services.append(SupervisedSource(
                    name: "btsnoop \(path)", recorded: true, board: board, metrics: metrics, logger: logger, source: btsnoop,
                    finished: feed.finish, loop: try options.bool("loop") ?? false, nextPass: feed.nextPass))
            case .pcap:
                try options.rejectUnknown(["path", "interface", "filter", "sensor", "loop"])
                let sensor = try options.sensor(in: configuration.layout)
                switch (options.string("path"), options.string("interface")) {
                case (.some, nil):
                    try claim(.recorded, index, options)
                    let path = try options.path("path")
                    let feed = RecordedFeed(bus: bus, finishAfter: finishAfter)
                    let capture = WiFiCaptureService(source: .file(path), sensor: sensor, logger: logger) { await feed.sendWhenRoom($0) }
                    services.append(SupervisedSource(
                        name: "pcap \(path)", recorded: true, board: board, metrics: metrics, logger: logger, source: capture,
                        finished: feed.finish, loop: try options.bool("loop") ?? false, nextPass: feed.nextPass))
                case (nil, .some(let interface)):
                    try claim(.live, index, options)
                    if options.string("loop") != nil { throw options.error(field: "loop", "only a recording (path:) loops; a live interface runs until stopped") }
                    let feed = LiveFeed(bus: bus)
                    let capture = WiFiCaptureService(
                        source: .interface(interface, filter: options.string("filter") ?? PcapCapture.probeRequestFilter),
                        sensor: sensor, logger: logger) { feed.send($0) }
                    services.append(SupervisedSource(name: "pcap \(interface)", recorded: false, board: board, metrics: metrics, logger: logger, source: capture))
                default:
                    throw options.error(field: "path", "give either `path:` (a pcap or pcapng file) or `interface:` (a monitor-mode interface such as wlan0mon), not both")
                }
            case .mqtt:
                try options.rejectUnknown(MQTTSourceOptions.known)
                try claim(.live, index, options)
                let made = try MQTTSourceOptions.source(options, configuration: configuration, bus: bus, board: board, metrics: metrics, logger: logger)
                services.append(SupervisedSource(name: made.name, recorded: false, board: board, metrics: metrics, logger: logger, source: made.source))
            }
        }
        if let upstream = configuration.upstream {
            for source in configuration.sources {
                let options = OptionsReader.source(source, file: configuration.file)
                if let clock, clock.kind == .recorded {
                    throw options.error(field: "type", "a sensor gateway (upstream:) sends what it hears now; replay recordings on the locating gateway instead")
                }
                // The simulator stands for every sensor of the store; a radio for its own; an
                // mqtt source for the sensors its nodes are mapped to.
                let heard = switch Kind(rawValue: source.type) {
                case .simulate: configuration.layout.sensors.map(\.id.rawValue)
                case .mqtt: Array(Set(source.mappings["sensors"]?.values.map { $0 } ?? []))
                default: [options.string("sensor") ?? ""]
                }
                // Through a broker the broker checks who publishes; there are no sensor tokens.
                for sensor in heard where !upstream.viaBroker && upstream.tokens[sensor] == nil {
                    throw options.error(field: "sensor", "'\(sensor)' has no token in upstream.tokens; add the token the locating gateway lists for it in api.sensor_tokens")
                }
            }
        }
        // Remote sensors and the Meraki webhook deliver live observations too.
        let remote = !configuration.api.sensorTokens.isEmpty || configuration.api.meraki != nil
        if remote, let clock, clock.kind == .recorded {
            let options = OptionsReader.source(configuration.sources[clock.index], file: configuration.file)
            throw options.error(field: "type", "this gateway replays a recording but also accepts live observations (api.sensor_tokens or api.meraki); run the replay in a gateway of its own")
        }
        if clock?.kind == .live || remote { services.append(WallClockTicker(bus: bus)) }
        return Made(services: services, board: board)
    }
}

/// A live source's observations, straight onto the bus (the wall clock ticks the pipeline).
struct LiveFeed: Sendable {
    let bus: InputBus
    @Sendable func send(_ observation: Observation) { bus.send(.observation(observation)) }
}

/// A recording's observations onto the bus, with ticks in the recording's own time so a
/// replay at any speed decides the same events; at its end the clock runs on so visits end.
/// A looped recording carries on in time: each pass is shifted to start a second after the
/// previous one ended.
final class RecordedFeed: Sendable {
    let bus: InputBus
    let finishAfter: Double
    private struct Clock {
        var tick = -Double.infinity
        /// Latest (shifted) time sent.
        var time: Double?
        /// First recorded time of this pass, and the shift applied to it.
        var first: Double?
        var offset = 0.0
    }
    private let lastTick = Mutex(Clock())

    init(bus: InputBus, finishAfter: Double) {
        self.bus = bus
        self.finishAfter = finishAfter
    }

    @Sendable func send(_ observation: Observation) {
        let (o, tick) = shifted(observation)
        if let tick { bus.send(.tick(tick)) }
        bus.send(.observation(o))
    }

    /// For a source that can wait: holds back while the pipeline catches up.
    @Sendable func sendWhenRoom(_ observation: Observation) async {
        let (o, tick) = shifted(observation)
        if let tick { await bus.sendWhenRoom(.tick(tick)) }
        await bus.sendWhenRoom(.observation(o))
    }

    /// The observation in the feed's time, and the tick due before it, if any.
    private func shifted(_ observation: Observation) -> (Observation, Double?) {
        lastTick.withLock { state in
            var o = observation
            if state.first == nil { state.first = o.time }
            o.time += state.offset
            state.time = max(state.time ?? o.time, o.time)
            guard o.time - state.tick >= 1 else { return (o, nil) }
            state.tick = o.time
            return (o, o.time)
        }
    }

    /// The recording starts again: its next pass follows this one in time.
    @Sendable func nextPass() {
        lastTick.withLock { state in
            guard let first = state.first, let last = state.time else { return }
            state.offset = last + 1 - first
            state.first = nil
        }
    }

    @Sendable func finish() {
        if let last = lastTick.withLock({ $0.time }) { bus.send(.tick(last + finishAfter)) }
    }
}

/// What each source is doing, for `/api/status` and `footfall status`.
final class SourceBoard: Sendable {
    private let states = Mutex<[String: String]>([:])

    func set(_ source: String, _ state: String) { states.withLock { $0["source \(source)"] = state } }

    var snapshot: [String: String] { states.withLock { $0 } }
}

/// Runs a source and keeps the daemon up when it fails: the error is logged, counted
/// (`footfall_source_errors_total`) and shown in the status, and a live source is started again
/// with back-off (an adapter unplugged, a serial controller reset, an interface not yet in
/// monitor mode). A recording that fails or ends stays so; the rest of the gateway runs on.
struct SupervisedSource<Source: Service>: Service {
    let name: String
    let recorded: Bool
    let board: SourceBoard
    let metrics: GatewayMetrics
    let logger: Logger
    let source: Source
    var finished: @Sendable () -> Void = {}
    /// A recording played again and again; `nextPass` is called between passes.
    var loop = false
    var nextPass: @Sendable () -> Void = {}
    /// Restarts of a live source wait the ceiling of each step (no crowd to spread).
    var backoff = Backoff(base: .seconds(1), cap: .seconds(60))
    var timing: Timing = .live

    func run() async throws {
        var attempt = 1
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            board.set(name, "running")
            do {
                try await source.run()
                if recorded, loop, !Task.isCancelled, !Task.isShuttingDownGracefully {
                    nextPass()
                    continue
                }
                if recorded {
                    board.set(name, "finished")
                    finished()
                }
                break
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                let message = "\(error)".replacingOccurrences(of: "\n", with: " ")
                metrics.sourceError(name)
                if recorded {
                    board.set(name, "failed: \(message)")
                    logger.error("source failed", metadata: ["source": "\(name)", "error": "\(message)"])
                    finished()
                    break
                }
                let wait = backoff.ceiling(attempt: attempt)
                let seconds = Int(wait / .seconds(1))
                board.set(name, "failing: \(message) (retrying in \(seconds) s)")
                logger.error("source failed; retrying", metadata: ["source": "\(name)", "error": "\(message)", "retry_in_s": "\(seconds)"])
                do {
                    try await cancelWhenGracefulShutdown { try await timing.sleep(wait) }
                } catch {
                    break
                }
                attempt += 1
            }
        }
        if board.snapshot["source \(name)"] == "running" { board.set(name, "stopped") }
        // A finished source must not end the daemon.
        try await gracefulShutdownOrCancel()
    }
}
