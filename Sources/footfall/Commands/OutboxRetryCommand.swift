import ArgumentParser
import FootfallCore
import Foundation
import Forwarding
import Storage

struct OutboxRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Queue dead letters to be sent again.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Only this sink.") var sink: String?

    func run() throws {
        let count = try database.open(sink: sink).retryDead(sink: sink)
        print("\(count) dead events queued again\(sink.map { " for \($0)" } ?? "")")
    }
}
