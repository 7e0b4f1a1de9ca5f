import ArgumentParser
import FootfallCore
import Foundation
import Gateway
import Storage

/// `--config F` and `--data DIR` as `footfall run` takes them, or `--db PATH`: where the gateway
/// database is, and the store file whose sinks it delivers to.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The store configuration the gateway runs with (its sinks: what deliver sends to, what status compares with).")
    var config: String?

    @Option(name: .long, help: "The gateway's data directory, as given to `footfall run` (the database is gateway.sqlite in it).")
    var data: String = ".footfall"

    @Option(name: .long, help: "The gateway database file itself (instead of --data).")
    var db: String?

    var path: String { db ?? (data as NSString).appendingPathComponent(GatewayData.databaseName) }

    /// The store file of `--config`, checked, or nil without one.
    func loadConfiguration() throws -> StoreConfiguration? {
        try config.map { try StoreConfiguration.loadChecked(path: $0) }
    }

    /// Opens the database; a missing one is an error rather than a new empty queue.
    func open() throws -> GatewayDatabase {
        if !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("no gateway database at \(path); pass --data DIR or --db PATH")
        }
        do {
            let database = try GatewayDatabase(path: path)
            GatewayData.giveToDirectoryOwner([path, path + "-wal", path + "-shm"], in: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
            return database
        } catch {
            throw CommandFailure("cannot open \(path): \(error)".replacingOccurrences(of: "\n", with: " "))
        }
    }
}
