import ArgumentParser
import BLE
import Capture
import FootfallCore
import Foundation
import Logging
import ServiceLifecycle

/// `footfall scan`: listen to Bluetooth LE advertisements through one source and show them as
/// a live table (address, address type, identity, RSSI, advertisements per second) or as JSON
/// lines.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Listen to Bluetooth LE advertisements (BlueZ adapter, serial HCI controller or snoop log)."
    )

    @Option(help: "A BlueZ adapter, e.g. hci0 (the default source).")
    var hci: String?

    @Option(help: ArgumentHelp("A serial HCI controller speaking H4, e.g. /dev/ttyUSB0 or /dev/ttyUSB0@921600.", valueName: "device[@baud]"))
    var h4: String?

    @Flag(name: .customLong("no-flow-control"), help: "Serial line without RTS/CTS flow control (--h4).")
    var noFlowControl = false

    @Option(help: "A btsnoop capture (datalink 1001, 1002 or BlueZ monitor 2001) to replay.")
    var btsnoop: String?

    @Flag(name: .customLong("as-fast-as-possible"), help: "Replay --btsnoop without waiting between records.")
    var asFastAsPossible = false

    @Flag(help: "Print each observation as a JSON line instead of the table.")
    var json = false

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(help: "The sensor id observations carry.")
    var sensor: String = "local"

    @Option(name: .customLong("irk"), help: ArgumentHelp("An identity resolving key: name=32 hex digits (repeatable).", valueName: "name=key"))
    var irks: [String] = []

    @Flag(help: "Log what the source does (to standard error).")
    var verbose = false

    func validate() throws {
        let sources = [hci, h4, btsnoop].compactMap { $0 }
        guard sources.count <= 1 else { throw ValidationError("choose one source: --hci, --h4 or --btsnoop") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        _ = try Self.resolver(irks)
    }

    /// `--irk name=hex` options as a resolver, held to the rules of an identity keys file
    /// (names, 16 bytes, no key twice); a malformed one is a validation error.
    static func resolver(_ irks: [String]) throws -> IdentityResolver {
        var lines = ["name,irk"]
        for text in irks {
            guard let equals = text.firstIndex(of: "="), !text.contains(","), !text.contains("\n") else {
                throw ValidationError("--irk \(text): write it as name=ec0234a357c8ad05341010a60a397d9b")
            }
            lines.append(text[..<equals] + "," + text[text.index(after: equals)...])
        }
        do {
            let keys = try IdentityKeysCodec.read(text: lines.joined(separator: "\n") + "\n", name: "--irk")
            return IdentityResolver(keys: try keys.map { try IdentityResolvingKey(name: $0.name, bytes: $0.bytes) })
        } catch let error as FormatError {
            // "--irk:3:1: name: …" reads better as the option's own words.
            throw ValidationError("--irk \(irks[max(error.line - 2, 0)]): \(error.field.isEmpty ? "" : error.field + ": ")\(error.message)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "footfall.scan", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = verbose ? .debug : .warning
        var groupLogger = logger
        groupLogger.logLevel = verbose ? .debug : .critical

        let table = ScanTable()
        let json = self.json
        let handler: ObservationHandler = { _ in }
        let onAdvertisement: AdvertisementHandler = { observation, report in
            if json { print(ScanTable.jsonLine(observation, report)) } else { table.add(observation, report) }
        }
        let sensor = SensorID(self.sensor)
        let resolver = try Self.resolver(irks)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let btsnoop {
            var source = BtsnoopReplaySource(
                path: btsnoop, sensor: sensor, resolver: resolver,
                speed: asFastAsPossible ? .asFastAsPossible : .recorded(), logger: logger, onObservation: handler
            )
            source.onAdvertisement = onAdvertisement
            services.append(.init(service: source, successTerminationBehavior: .gracefullyShutdownGroup))
        } else if let h4 {
            let device = try SerialDevice.parse(h4, flowControl: !noFlowControl)
            var source = H4SerialSource(device: device, sensor: sensor, resolver: resolver, logger: logger, onObservation: handler)
            source.onAdvertisement = onAdvertisement
            services.append(.init(service: source, successTerminationBehavior: .gracefullyShutdownGroup))
        } else {
            var source = BlueZHCISource(adapter: hci ?? "hci0", sensor: sensor, resolver: resolver, logger: logger, onObservation: handler)
            source.onAdvertisement = onAdvertisement
            services.append(.init(service: source, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let duration {
            services.append(.init(service: DurationLimit(seconds: duration), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let live = !json && isatty(STDOUT_FILENO) != 0
        if live {
            services.append(.init(service: TableRefresher(table: table), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: groupLogger
        ))
        try await group.run()
        if !json {
            if live { print("\u{1B}[H\u{1B}[2J", terminator: "") }
            print(table.render())
        }
    }
}

/// Ends the group after a fixed time (`--duration`).
private struct DurationLimit: Service {
    var seconds: Double
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    }
}

/// Redraws the table once a second on a terminal.
private struct TableRefresher: Service {
    let table: ScanTable
    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            print("\u{1B}[H\u{1B}[2J" + table.render(), terminator: "\n")
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
