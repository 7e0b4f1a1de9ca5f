import ArgumentParser
import FootfallCore
import Foundation
import Gateway
import Presence
import Storage

/// `footfall visits …`: the visit history kept on the gateway.
struct VisitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visits",
        abstract: "Inspect and erase the visit history of identified shoppers.",
        subcommands: [Show.self, Erase.self, Prune.self]
    )

    /// `--config` and `--data`, as `footfall run` takes them.
    struct DataOption: ParsableArguments {
        @Option(help: "The store configuration the gateway runs with (its identity map gives customer ids; its retention is what prune applies).")
        var config: String?

        @Option(help: "The gateway's data directory, as given to `footfall run`.")
        var data: String = ".footfall"

        func open() throws -> GatewayData {
            let database = (data as NSString).appendingPathComponent(GatewayData.databaseName)
            guard FileManager.default.fileExists(atPath: database) else {
                throw CommandFailure("\(database) does not exist; pass the gateway's --data directory (the one `footfall run` was given)")
            }
            return try GatewayData(directory: data)
        }

        /// The store file of `--config`, checked, or nil without one.
        func loadConfiguration() throws -> StoreConfiguration? {
            try config.map { try StoreConfiguration.loadChecked(path: $0) }
        }
    }

    struct ShopperOption: ParsableArguments {
        @Option(help: ArgumentHelp(
            "The shopper: an anonymous_id or customer_id from their events, or their device id (e.g. ibeacon:<uuid>:<major>:<minor>).",
            valueName: "id"))
        var device: String

        func validate() throws {
            guard !device.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--device is empty; give the shopper's anonymous_id, customer_id or device id")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The visits on record for one shopper, named by an event's anonymous_id or customer_id or by device id.")
        @OptionGroup var data: DataOption
        @OptionGroup var shopper: ShopperOption

        func run() throws {
            let gateway = try data.open()
            let found = try ShopperLookup(gateway: gateway, configuration: data.loadConfiguration(), dataDirectory: data.data)
                .find(shopper.device)
            let shown = AddressRedaction.redacted(shopper.device)
            for (identity, visits, events) in found.identities {
                print("\(shown) (\(found.kind.rawValue)) is \(identity): \(count(visits.count, "visit")) on record, \(count(events, "event")) in the outbox")
                for visit in visits {
                    print("  \(RFC3339.string(visit.start))  \(Int((visit.end - visit.start).rounded())) s")
                }
            }
            if found.kept != (0, 0) {
                print("kept at the daemon's last stop: \(count(found.kept.visits, "visit")) in progress, \(count(found.kept.staff, "staff mark"))")
            }
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a shopper's whole visit history (an erasure request), named by an event's anonymous_id or customer_id or by device id.",
            discussion: """
                What the database holds goes at once. A gateway running on the same --data holds the shopper's \
                visit in progress in memory: it is asked to drop it (with no more events) at its next tick, and \
                the command waits for its answer.
                """)
        @OptionGroup var data: DataOption
        @OptionGroup var shopper: ShopperOption
        @Option(help: "Seconds to wait for a gateway running on --data to drop the shopper's visit in progress (0: leave the request for it without waiting).")
        var wait: Double = 10

        func validate() throws {
            guard wait >= 0, wait <= 3_600 else { throw ValidationError("--wait \(wait) is not 0 to 3600 seconds") }
        }

        func run() throws {
            let gateway = try data.open()
            let lookup = ShopperLookup(gateway: gateway, configuration: try data.loadConfiguration(), dataDirectory: data.data)
            let shown = AddressRedaction.redacted(shopper.device)
            let found: ShopperLookup.Found
            do {
                found = try lookup.find(shopper.device)
            } catch let nothing as CommandFailure {
                // Nothing on file; a gateway running now may still hold a first visit in memory.
                let identities = try lookup.candidates(shopper.device)
                guard !identities.isEmpty, DataDirectoryLock.holding(data.data) != .nobody else { throw nothing }
                try gateway.database.requestErasure(of: identities, at: Date().timeIntervalSince1970)
                try askTheGateway(identities, gateway: gateway, nothingOnFile: nothing)
                return
            }
            for (identity, _, _) in found.identities {
                // The events still in the outbox carry the pseudonym too (and the customer id):
                // they go in the same transaction as the visits.
                let (removed, events) = try gateway.database.erase(identity: identity)
                print(
                    "erased \(count(removed, "visit")) of \(shown) (\(found.kind.rawValue); pseudonym \(identity)) "
                        + "and \(count(events, "event")) from the outbox")
            }
            // Named by customer id: any event of theirs under another pseudonym goes too.
            if found.kind == .customerID {
                let more = try gateway.database.eraseEvents(ofCustomer: shopper.device)
                if more > 0 { print("erased \(count(more, "more event")) of \(shown) from the outbox") }
            }
            // Every pseudonym the id may stand for, not only those with something on file: one
            // customer's other device may be on a first visit held only in memory.
            let identities = Array(Set(found.identities.map(\.identity)).union(try lookup.candidates(shopper.device))).sorted()
            // Left before the kept visits are erased: a gateway stopping meanwhile may keep its
            // visits after this erasure, and takes the request first (or at its next start).
            try gateway.database.requestErasure(of: identities, at: Date().timeIntervalSince1970)
            // A visit in progress kept at the last stop would carry on at the next start and send
            // the rest of its events: it goes too, with the staff mark.
            try eraseKept(identities, gateway: gateway)
            try askTheGateway(identities, gateway: gateway, nothingOnFile: nil)
        }

        /// Erases the visits in progress and staff marks kept at the daemon's last stop.
        private func eraseKept(_ identities: [String], gateway: GatewayData) throws {
            let kept = try KeptOpenVisits.erase(Set(identities), in: gateway.database, pseudonymizer: Pseudonymizer(key: gateway.key))
            if kept != (0, 0) {
                print("erased \(count(kept.visits, "visit")) in progress and \(count(kept.staff, "staff mark")) kept at the daemon's last stop")
            }
        }

        /// The requests of `identities`, left, taken by the gateway running on the data
        /// directory: waits for its answer and says it. With no gateway running, this command
        /// takes the directory's lock itself — none can start meanwhile, the kept visits are
        /// erased under it — and leaves no request (it names the erased shopper's pseudonym).
        /// `nothingOnFile`: the lookup found nothing, which stands unless the gateway held
        /// something of theirs.
        private func askTheGateway(_ identities: [String], gateway: GatewayData, nothingOnFile: CommandFailure?) throws {
            // A gateway that stops while this waits hands the directory back: taken then, as if
            // none had run. Three rounds at most (a gateway restarted twice meanwhile).
            for _ in 0..<3 {
                let lock: DataDirectoryLock
                do {
                    lock = try DataDirectoryLock.acquire(data.data)
                } catch let held as DataDirectoryLock.Held {
                    guard let answered = try waitForTheGateway(identities, gateway: gateway, process: held.process, nothingOnFile: nothingOnFile) else { continue }
                    return answered
                } catch {
                    // Whether a gateway runs cannot be told: the request stays for one.
                    throw CommandFailure("\(error); what is on file is erased, and the request is left for a gateway running on \(data.data) to take")
                }
                try withExtendedLifetime(lock) {
                    try eraseKept(identities, gateway: gateway)
                    try gateway.database.withdrawErasureRequests(of: identities)
                }
                if let nothingOnFile { throw nothingOnFile }
                return
            }
            throw CommandFailure("the gateway on \(data.data) stopped and started again while this waited; run the command again")
        }

        /// Waits for the running gateway's answer and says it; nil when the gateway stopped
        /// meanwhile (the directory is free again).
        private func waitForTheGateway(_ identities: [String], gateway: GatewayData, process: Int32?, nothingOnFile: CommandFailure?) throws -> Void? {
            let shownProcess = process.map { " (process \($0))" } ?? ""
            let deadline = Date().addingTimeInterval(wait)
            var answer: GatewayDatabase.ErasureTaken?
            while answer == nil {
                answer = summed(try gateway.database.takenErasures(of: identities), of: identities)
                if answer != nil || Date() >= deadline { break }
                if DataDirectoryLock.holding(data.data) == .nobody { return nil }
                Thread.sleep(forTimeInterval: 0.05)
            }
            guard let answer else {
                let left = "the gateway running on \(data.data)\(shownProcess) has not answered within \(Int(wait)) s; the request is left for it: it drops a visit in progress of theirs at its next tick (its log says \"took erasure requests\")"
                if let nothingOnFile { throw CommandFailure("\(nothingOnFile.description); \(left)") }
                print(left)
                return ()
            }
            try gateway.database.withdrawErasureRequests(of: identities)
            let dropped = "\(count(answer.visits, "visit")) in progress, \(count(answer.staff, "staff mark")) and \(count(answer.events, "event")) made since"
            if let nothingOnFile {
                guard answer.visits + answer.staff + answer.events > 0 else {
                    throw CommandFailure("\(nothingOnFile.description); nor does the gateway running on it hold a visit in progress of theirs")
                }
                print("nothing of \(AddressRedaction.redacted(shopper.device)) was on file in \(data.data); the gateway running on it dropped \(dropped)")
                return ()
            }
            print("the gateway running on \(data.data) dropped \(dropped)")
            return ()
        }

        /// What the gateway did with the requests of `identities`, summed, once it has taken
        /// them all; nil before.
        private func summed(_ taken: [String: GatewayDatabase.ErasureTaken], of identities: [String]) -> GatewayDatabase.ErasureTaken? {
            guard taken.count == Set(identities).count else { return nil }
            return taken.values.reduce(GatewayDatabase.ErasureTaken(visits: 0, staff: 0, events: 0)) {
                .init(visits: $0.visits + $1.visits, staff: $0.staff + $1.staff, events: $0.events + $1.events)
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete visits older than the store's retention (identity.retention_days).")
        @OptionGroup var data: DataOption
        @Option(help: "The store: a name under calibration/, a folder, or a store.yaml path (instead of --config).")
        var store: String?
        @Option(parsing: .unconditional, help: "Prune as of this Unix time (default: now).") var now: Double?

        func validate() throws {
            guard data.config != nil || store != nil else {
                throw ValidationError("give --config, the store file the gateway runs with: its identity.retention_days says what to keep")
            }
        }

        func run() throws {
            guard let path = data.config ?? store.map(StoreOption.path(for:)) else { throw ExitCode.validationFailure }
            let configuration = try StoreConfiguration.loadChecked(path: path)
            let gateway = try data.open()
            let clock = Date().timeIntervalSince1970
            // A typo here deletes history for good (milliseconds, an exponent): seconds from 1970
            // to 9999 only.
            if let now, !(now >= 0 && now <= AnalyticsTime.latest) {
                throw CommandFailure("--now \(now) is not a time from 1970 to 9999 in Unix seconds (now is \(Int(clock))); give one, or leave it out to prune as of now")
            }
            let cutoff = (now ?? clock) - configuration.identity.retentionDays * 86_400
            let removed = try gateway.database.deleteVisits(endedBefore: cutoff)
            // The store analytics are kept as long as the history they sit beside.
            let counts = try gateway.database.pruneAnalytics(endedBefore: cutoff)
            print("deleted \(count(removed, "visit")) and \(count(counts, "analytics count")) that ended before \(RFC3339.string(cutoff))")
        }
    }
}
