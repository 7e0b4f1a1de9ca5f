import ArgumentParser
import FootfallCore

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
