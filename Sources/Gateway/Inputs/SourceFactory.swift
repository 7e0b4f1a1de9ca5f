import BLE
import Capture
import FootfallCore
import Foundation
import Logging
import ServiceLifecycle
import Simulation

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
        /// Whether the wall clock ticks the pipeline (the gateway listens live).
        var live = false
        /// What is wrong with a live source's device now, which it may not be by the time the
        /// source starts (an adapter or controller plugged in later): printed by `run --check`
        /// and logged at the start, not refused.
        var warnings: [String] = []
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
        metrics: GatewayMetrics, timing: Timing, logger: Logger
    ) throws -> Made {
        var services: [any Service] = []
        var warnings: [String] = []
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
                services.append(SupervisedSource(name: "trace \(path)", recorded: true, board: board, metrics: metrics, logger: logger, source: trace, timing: timing))
            case .simulate:
                try options.rejectUnknown(["hours", "shoppers_per_hour", "seed", "speed"])
                try claim(.live, index, options)
                var settings = StoreSimulator.Settings()
                settings.hours = try options.double("hours") ?? 24
                settings.shoppersPerHour = try options.double("shoppers_per_hour") ?? 300
                // As `footfall simulate` bounds them: a load no store sees, a seed no whole number.
                let most = StoreSimulator.Settings.mostPeople
                guard settings.shoppersPerHour >= 0, settings.shoppersPerHour <= Double(most) else {
                    throw options.error(field: "shoppers_per_hour", "must be between 0 and \(most), found \(settings.shoppersPerHour)")
                }
                let seed = try options.double("seed") ?? 1
                guard seed >= 0, seed <= 9_007_199_254_740_992, seed == seed.rounded() else {
                    throw options.error(field: "seed", "must be a whole number from 0 to 9007199254740992, found \(seed)")
                }
                settings.seed = UInt64(seed)
                // Live, the wall clock ticks the pipeline too: a simulation slower than it would
                // fall behind and its readings come late.
                let speed = try options.double("speed") ?? 1
                guard speed >= 1, speed <= 10_000 else {
                    throw options.error(field: "speed", "must be from 1 (the wall clock's pace) to 10000, found \(DelimitedField.number(speed)); a live simulation runs no slower than the clock")
                }
                let simulated = SimulatedSource(layout: configuration.layout, settings: settings, speed: speed, bus: bus, logger: logger, timing: timing)
                services.append(SupervisedSource(name: "simulate", recorded: false, board: board, metrics: metrics, logger: logger, source: simulated, timing: timing))
            case .hci:
                try options.rejectUnknown(["adapter", "sensor"])
                try claim(.live, index, options)
                let sensor = try options.sensor(in: configuration.layout)
                let adapter = options.string("adapter") ?? "hci0"
                guard adapter.hasPrefix("hci"), Int(adapter.dropFirst(3)) != nil else {
                    throw options.error(field: "adapter", "'\(adapter)' is not an adapter name like hci0 (see `hciconfig` or `btmgmt info`)")
                }
                if let problem = DeviceProbe.bluetooth(adapter: adapter) { warnings.append("sources[hci] (\(adapter)): \(problem)") }
                let feed = LiveFeed(bus: bus)
                var hci = BlueZHCISource(adapter: adapter, sensor: sensor, resolver: resolver, logger: logger, timing: timing, onObservation: feed.send)
                hci.metrics = BLECaptureMetrics(source: "hci", factory: metrics.factory)
                services.append(SupervisedSource(name: "hci \(adapter)", recorded: false, board: board, metrics: metrics, logger: logger, source: hci, timing: timing))
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
                if let problem = DeviceProbe.serial(device.path) { warnings.append("sources[h4].device: \(problem)") }
                let feed = LiveFeed(bus: bus)
                var h4 = H4SerialSource(device: device, sensor: sensor, resolver: resolver, logger: logger, timing: timing, onObservation: feed.send)
                h4.metrics = BLECaptureMetrics(source: "h4", factory: metrics.factory)
                services.append(SupervisedSource(name: "h4 \(device.path)", recorded: false, board: board, metrics: metrics, logger: logger, source: h4, timing: timing))
            case .btsnoop:
                try options.rejectUnknown(["path", "sensor", "speed", "loop"])
                try claim(.recorded, index, options)
                let sensor = try options.sensor(in: configuration.layout)
                let path = try options.path("path")
                // Its header read now, by `run --check` too: a capture of a datalink that is not
                // read, or no capture at all, is refused before the start.
                do {
                    try BtsnoopReplaySource.check(file: path)
                } catch {
                    throw options.error(field: "path", error.description)
                }
                let speed = try options.double("speed") ?? 1
                let feed = RecordedFeed(bus: bus, finishAfter: finishAfter)
                var btsnoop = BtsnoopReplaySource(
                    path: path, sensor: sensor, resolver: resolver,
                    speed: speed == 0 ? .asFastAsPossible : .recorded(factor: speed), logger: logger, onObservation: feed.send)
                btsnoop.metrics = BLECaptureMetrics(source: "btsnoop", factory: metrics.factory)
                services.append(SupervisedSource(
                    name: "btsnoop \(path)", recorded: true, board: board, metrics: metrics, logger: logger, source: btsnoop,
                    finished: feed.finish, loop: try options.bool("loop") ?? false, nextPass: feed.nextPass, timing: timing))
            case .pcap:
                try options.rejectUnknown(["path", "interface", "filter", "sensor", "loop"])
                let sensor = try options.sensor(in: configuration.layout)
                switch (options.string("path"), options.string("interface")) {
                case (.some, nil):
                    try claim(.recorded, index, options)
                    let path = try options.path("path")
                    // Read far enough to know it is a capture with signal strengths (a plain
                    // 802.11 one has none): refused now, by `run --check` too, not at the start.
                    do {
                        try WiFiCaptureService.check(file: path)
                    } catch {
                        throw options.error(field: "path", error.description)
                    }
                    let feed = RecordedFeed(bus: bus, finishAfter: finishAfter)
                    let capture = WiFiCaptureService(source: .file(path), sensor: sensor, logger: logger) { await feed.sendWhenRoom($0) }
                    services.append(SupervisedSource(
                        name: "pcap \(path)", recorded: true, board: board, metrics: metrics, logger: logger, source: capture,
                        finished: feed.finish, loop: try options.bool("loop") ?? false, nextPass: feed.nextPass, timing: timing))
                case (nil, .some(let interface)):
                    try claim(.live, index, options)
                    if options.string("loop") != nil { throw options.error(field: "loop", "only a recording (path:) loops; a live interface runs until stopped") }
                    if let problem = DeviceProbe.interface(interface) { warnings.append("sources[pcap].interface: \(problem)") }
                    let feed = LiveFeed(bus: bus)
                    let capture = WiFiCaptureService(
                        source: .interface(interface, filter: options.string("filter") ?? PcapCapture.probeRequestFilter),
                        sensor: sensor, logger: logger) { feed.send($0) }
                    services.append(SupervisedSource(name: "pcap \(interface)", recorded: false, board: board, metrics: metrics, logger: logger, source: capture, timing: timing))
                default:
                    throw options.error(field: "path", "give either `path:` (a pcap or pcapng file) or `interface:` (a monitor-mode interface such as wlan0mon), not both")
                }
            case .mqtt:
                try options.rejectUnknown(MQTTSourceOptions.known)
                try claim(.live, index, options)
                let made = try MQTTSourceOptions.source(options, configuration: configuration, bus: bus, board: board, metrics: metrics, timing: timing, logger: logger)
                services.append(SupervisedSource(name: made.name, recorded: false, board: board, metrics: metrics, logger: logger, source: made.source, timing: timing))
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
        let live = clock?.kind == .live || remote
        if live { services.append(WallClockTicker(bus: bus, timing: timing, logger: logger)) }
        return Made(services: services, board: board, live: live, warnings: warnings)
    }
}
