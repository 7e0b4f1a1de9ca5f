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
        // A sink the store file still lists would be registered again at the next deliver or
        // start, and every event kept sent to it again from the beginning.
        if let configuration = try database.loadConfiguration(), try SinkSettings.parse(configuration).contains(where: { $0.name == sink }) {
            throw CommandFailure("\(configuration.file) still lists sink '\(sink)'; take it out of the store file first (and restart the gateway), then remove it here")
        }
        let db = try database.open()
        try DatabaseOption.check(sink: sink, in: db, path: database.path)
        guard let removed = try db.removeSink(sink) else {
            throw CommandFailure("no sink '\(sink)' in \(database.path)")
        }
        print("removed sink \(sink): \(removed.pending) pending and \(removed.dead) dead events no longer kept for it; \(removed.compacted) events compacted")
    }
}
