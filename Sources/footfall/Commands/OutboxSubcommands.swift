import ArgumentParser
import FootfallCore
import Foundation
import Forwarding
import Storage

struct OutboxStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Each sink's queue: pending, dead, oldest, last error.")

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let configured = try database.loadConfiguration().map { try SinkSettings.parse($0).map(\.name) }
        let db = try database.open()
        let (rows, last) = try db.outboxStatusAndLastSequence()
        print("outbox \(database.path): \(last) events appended")
        if rows.isEmpty { print("no sink has run yet") }
        let now = Date().timeIntervalSince1970
        for row in rows {
            let age = row.oldestPendingAppendedAt.map { String(format: "%.1f s", now - $0) } ?? "-"
            var line = "\(row.sink): pending \(row.pending), dead \(row.dead), delivered \(row.delivered), oldest pending \(age), cursor \(row.cursor)"
            if let error = row.lastError { line += ", \(row.attempts) failed attempts, last: \(error)" }
            if let next = row.nextAttemptAt { line += ", next attempt \(timestamp(next))" }
            // A sink taken out of the store file holds its events in the outbox for ever.
            if let configured, !configured.contains(row.sink) {
                line += "; not in \(database.config!): `footfall outbox remove-sink \(row.sink)` lets its events go"
            }
            print(line)
        }
        for name in configured ?? [] where !rows.contains(where: { $0.sink == name }) {
            print("\(name): in \(database.config!), has not run yet")
        }
    }
}

struct OutboxListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List pending or dead events of a sink.")

    enum State: String, ExpressibleByArgument, CaseIterable { case pending, dead }

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Only this sink.") var sink: String?
    @Option(name: .long, help: "pending or dead.") var state: State = .pending
    @Option(name: .long, parsing: .unconditional, help: "At most this many events a sink.") var limit: Int = 100

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let db = try database.open()
        switch state {
        case .pending:
            let sinks = try sink.map { [$0] } ?? db.sinks()
            for name in sinks {
                for entry in try db.pending(for: name, limit: limit) {
                    print("\(name)\t\(entry.seq)\t\(entry.eventID)\t\(entry.eventType)\t\(timestamp(entry.appendedAt))\(entry.isRedelivery ? "\tretry" : "")")
                }
            }
        case .dead:
            for letter in try db.letters(sink: sink, state: "dead", limit: limit) {
                let status = letter.responseStatus.map { "HTTP \($0)" } ?? "-"
                let body = (letter.responseBody ?? "").replacingOccurrences(of: "\n", with: " ").prefix(200)
                print("\(letter.sink)\t\(letter.seq)\t\(letter.eventID)\t\(letter.eventType)\t\(letter.attempts) attempts\t\(status)\t\(letter.reason)\t\(body)")
            }
        }
    }
}

struct OutboxRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Queue dead letters to be sent again.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Only this sink.") var sink: String?

    func run() throws {
        let count = try database.open().retryDead(sink: sink)
        print("\(count) dead events queued again\(sink.map { " for \($0)" } ?? "")")
    }
}

struct OutboxPurgeDeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge-dead", abstract: "Delete dead letters for good.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Only this sink.") var sink: String?

    func run() throws {
        let count = try database.open().purgeDead(sink: sink)
        print("\(count) dead events deleted\(sink.map { " for \($0)" } ?? "")")
    }
}

struct OutboxRemoveSinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-sink",
        abstract: "Forget a sink taken out of the store file, so the events kept only for it can be compacted.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The sink's name, as `outbox status` lists it.") var sink: String

    func run() throws {
        let db = try database.open()
        guard let removed = try db.removeSink(sink) else {
            let known = try db.sinks()
            throw CommandFailure("no sink '\(sink)' in \(database.path); the outbox knows: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        print("removed sink \(sink): \(removed.pending) pending and \(removed.dead) dead events no longer kept for it; \(removed.compacted) events compacted")
    }
}
