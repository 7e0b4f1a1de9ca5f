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
