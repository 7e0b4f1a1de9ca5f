import ArgumentParser
import FootfallCore
import Foundation
import Forwarding
import Storage

struct OutboxPurgeDeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge-dead", abstract: "Delete dead letters for good.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Only this sink.") var sink: String?

    func run() throws {
        let count = try database.open(sink: sink).purgeDead(sink: sink)
        print("\(count) dead events deleted\(sink.map { " for \($0)" } ?? "")")
    }
}
