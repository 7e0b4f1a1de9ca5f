import ArgumentParser
import Dispatch
import FootfallCore
import Forwarding
import Foundation
import Logging
import Storage

/// `footfall outbox deliver --store S [--follow]`: runs the store's sinks over the database,
/// until the queue is empty, or with `--follow` until SIGINT or SIGTERM.
struct OutboxDeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Deliver the queue to the store's sinks (until empty, or --follow).")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The store: a name under calibration/, a folder, or a store.yaml path (instead of --config).")
    var store: String?
    @Flag(name: .long, help: "Keep delivering new events until interrupted.") var follow = false
    @Option(name: .long, parsing: .unconditional, help: "Milliseconds between looks for events appended by other processes.")
    var pollMs: Int = 100

    func validate() throws {
        guard pollMs > 0 else { throw ValidationError("--poll-ms must be at least 1") }
        guard database.config != nil || store != nil else {
            throw ValidationError("give --config, the store file the gateway runs with: its sinks are what deliver sends to")
        }
    }

    func run() async throws {
        let configuration: StoreConfiguration
        do {
            configuration = try StoreConfiguration.loadChecked(path: database.config ?? StoreOption.path(for: store!))
        } catch { throw CommandFailure("\(error)") }
        guard !configuration.sinks.isEmpty else {
            throw CommandFailure("\(configuration.file) has no sinks; add a `sinks:` section (docs/delivery.md)")
        }
        // A mistyped --data must not make a new, empty queue and report it delivered.
        let db = try database.open()
        var logger = Logger(label: "footfall.outbox")
        logger.logLevel = .info
        var options = Forwarder.Options()
        options.pollInterval = .milliseconds(pollMs)
        let forwarder: Forwarder
        do {
            forwarder = try Forwarder(configuration: configuration, database: db, options: options, logger: logger)
        } catch {
            throw CommandFailure("\(error)")
        }
        if follow {
            let task = Task { try await forwarder.run() }
            let sources = [SIGINT, SIGTERM].map { signalNumber in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
                source.setEventHandler { task.cancel() }
                source.resume()
                return source
            }
            try await task.value
            sources.forEach { $0.cancel() }
        } else {
            do {
                try await forwarder.drain()
            } catch let incomplete as Forwarder.Incomplete {
                throw CommandFailure("not everything was delivered (\(incomplete.reasons.joined(separator: "; "))); run again later, or with --follow")
            }
        }
        let status = try await db.outboxStatus()
        for row in status {
            printError("\(row.sink): pending \(row.pending), dead \(row.dead), delivered \(row.delivered)")
        }
    }
}
