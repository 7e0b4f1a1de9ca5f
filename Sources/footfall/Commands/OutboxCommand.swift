import ArgumentParser
import FootfallCore
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

/// Formats seconds since the epoch as RFC 3339 for tables.
func timestamp(_ seconds: Double?) -> String {
    guard let seconds else { return "-" }
    return RFC3339.string(seconds)
}

extension DatabaseOption {
    /// Opens the outbox and checks that `sink`, when given, is one it knows: a name mistyped
    /// would list or queue nothing and say nothing.
    func open(sink: String?) throws -> GatewayDatabase {
        let db = try open()
        if let sink { try Self.check(sink: sink, in: db, path: path) }
        return db
    }

    static func check(sink: String, in db: GatewayDatabase, path: String) throws {
        let known = try db.sinks()
        guard known.contains(sink) else {
            throw CommandFailure("no sink '\(sink)' in \(path); the outbox knows: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
    }
}
