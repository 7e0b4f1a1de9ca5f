import ArgumentParser
import FootfallCore
import Foundation
import Forwarding
import Storage

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
        let db = try database.open(sink: sink)
        switch state {
        case .pending:
            let sinks = try sink.map { [$0] } ?? db.sinks()
            for name in sinks {
                for entry in try db.pending(for: name, limit: limit) {
                    print("\(name)\t\(entry.seq)\t\(entry.eventID)\t\(entry.eventType)\t\(timestamp(entry.appendedAt))\(entry.isRedelivery ? "\tretry" : "")")
                }
            }
        case .dead:
            // Each sink's own first `limit`, as for pending events.
            let sinks = try sink.map { [$0] } ?? db.sinks()
            for name in sinks {
                for letter in try db.letters(sink: name, state: "dead", limit: limit) {
                    let status = letter.responseStatus.map { "HTTP \($0)" } ?? "-"
                    // A receiver's answer may echo what it was sent: any address in it is masked
                    // before it is cut (an address cut in two no longer looks like one).
                    let body = AddressRedaction.redacted((letter.responseBody ?? "").replacingOccurrences(of: "\n", with: " ")).prefix(200)
                    print("\(letter.sink)\t\(letter.seq)\t\(letter.eventID)\t\(letter.eventType)\t\(count(letter.attempts, "attempt"))\t\(status)\t\(AddressRedaction.redacted(letter.reason))\t\(body)")
                }
            }
        }
    }
}
