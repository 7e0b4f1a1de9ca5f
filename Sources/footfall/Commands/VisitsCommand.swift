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

    struct DataOption: ParsableArguments {
        @Option(help: "The gateway's data directory.")
        var data: String = ".footfall"

        func open() throws -> GatewayData {
            let database = (data as NSString).appendingPathComponent(GatewayData.databaseName)
            guard FileManager.default.fileExists(atPath: database) else {
                throw CommandFailure("\(database) does not exist; pass the gateway's --data directory")
            }
            return try GatewayData(directory: data)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The visits on record for one device and its frequency now.")
        @OptionGroup var data: DataOption
        @Option(help: "The device id, e.g. ibeacon:<uuid>:<major>:<minor>.") var device: String

        func run() throws {
            let gateway = try data.open()
            let identity = Pseudonymizer(key: gateway.key).identityKey(for: DeviceID(device))
            let visits = try gateway.visitHistory.visits(of: identity, since: -.infinity)
            print("\(device) is \(identity): \(visits.count) visits on record")
            for visit in visits {
                print("  \(RFC3339.string(visit.start))  \(Int(visit.duration.rounded())) s")
            }
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device's whole visit history (a shopper's erasure request).")
        @OptionGroup var data: DataOption
        @Option(help: "The device id whose history to erase.") var device: String

        func run() throws {
            let gateway = try data.open()
            let identity = Pseudonymizer(key: gateway.key).identityKey(for: DeviceID(device))
            let removed = try VisitHistoryStore(database: gateway.database).erase(identity: identity)
            print("erased \(removed) visits of \(device)")
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete visits older than the store's retention (identity.retention_days).")
        @OptionGroup var data: DataOption
        @OptionGroup var store: StoreOption
        @Option(help: "Prune as of this Unix time (default: now).") var now: Double?

        func run() throws {
            let configuration = try store.load()
            let gateway = try data.open()
            let cutoff = (now ?? Date().timeIntervalSince1970) - configuration.identity.retentionDays * 86_400
            let removed = try VisitHistoryStore(database: gateway.database).deleteVisits(endedBefore: cutoff)
            print("deleted \(removed) visits that ended before \(RFC3339.string(cutoff))")
        }
    }
}
