import ArgumentParser
import FootfallCore
import Foundation
import Gateway
import Storage

/// `footfall outbox …`: the delivery queue, for the engineer on site.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect and repair the delivery queue: status, list, retry, purge-dead, remove-sink, deliver.",
        subcommands: [
            OutboxStatusCommand.self,
            OutboxListCommand.self,
            OutboxRetryCommand.self,
            OutboxPurgeDeadCommand.self,
            OutboxRemoveSinkCommand.self,
            OutboxDeliverCommand.self,
        ]
    )
}

/// `--data DIR` or `--db PATH`: where the gateway database is.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The gateway's data directory (the database is gateway.sqlite in it).")
    var data: String = ".footfall"

    @Option(name: .long, help: "The gateway database file itself (instead of --data).")
    var db: String?

    var path: String { db ?? (data as NSString).appendingPathComponent(GatewayData.databaseName) }

    /// Opens the database; a missing one is an error rather than a new empty queue.
    func open(mustExist: Bool = true) throws -> GatewayDatabase {
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("no gateway database at \(path); pass --data DIR or --db PATH")
        }
        do {
            return try GatewayDatabase(path: path)
        } catch {
            throw CommandFailure("cannot open \(path): \(error)".replacingOccurrences(of: "\n", with: " "))
        }
    }
}

/// Formats seconds since the epoch as RFC 3339 for tables.
func timestamp(_ seconds: Double?) -> String {
    guard let seconds else { return "-" }
    return RFC3339.string(seconds)
}
