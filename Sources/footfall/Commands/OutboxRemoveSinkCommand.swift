import ArgumentParser
import FootfallCore
import Foundation
import Forwarding
import Storage

struct OutboxRemoveSinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-sink",
        abstract: "Forget a sink taken out of the store file, so the events kept only for it can be compacted.")

    @OptionGroup var database: DatabaseOption
    @Argument(help: "The sink's name, as `outbox status` lists it.") var sink: String

    func run() throws {
        let db = try database.open()
        try DatabaseOption.check(sink: sink, in: db, path: database.path)
        guard let removed = try db.removeSink(sink) else {
            throw CommandFailure("no sink '\(sink)' in \(database.path)")
        }
        print("removed sink \(sink): \(removed.pending) pending and \(removed.dead) dead events no longer kept for it; \(removed.compacted) events compacted")
    }
}
