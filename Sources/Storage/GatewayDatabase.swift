import Foundation
import GRDB

/// The gateway's one SQLite database and its only owner: opened in WAL mode, migrated by a
/// frozen list of migrations. Other modules say what they want done — append events with
/// their visits, next batch for a sink, settle, erase a shopper, prune — through its intent
/// methods (the `GatewayDatabase+…` extensions), each one transaction; none sees SQL or GRDB.
public final class GatewayDatabase: Sendable {
    /// How much a commit survives (docs/storage.md): `.normal` in WAL mode survives a crash of
    /// the process but may lose the last transactions on power loss; `.full` survives power
    /// loss at the cost of an fsync per commit.
    public enum Durability: String, Sendable {
        case normal, full
    }

    /// Internal: only Storage's intent methods (and the tests' `@testable` fault injection)
    /// touch it.
    let writer: any DatabaseWriter
    public let path: String?

    /// Opens (creating if needed) the database file at `path` and migrates it.
    public init(path: String, durability: Durability = .full) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(5)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        writer = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        file = Self.identity(of: path)
        try Self.refuseANewerSchema(writer, path: path)
        try Self.migrator.migrate(writer)
        companions = Dictionary(uniqueKeysWithValues: ["-wal", "-shm"].compactMap { suffix in
            Self.identity(of: path + suffix).map { (path + suffix, $0) }
        })
    }

    /// SQLite's `-wal` and `-shm` of the file opened, as found once it was: left beside a file
    /// that replaced it, they would be read over that file (`removeOwnCompanions`).
    let companions: [String: (device: UInt64, inode: UInt64)]

    /// Removes this database's own `-wal` and `-shm` (those it opened, not another file's) from
    /// beside its path, once its contents are saved (`saveCopy`): the connection keeps what it
    /// has open.
    public func removeOwnCompanions() {
        for (path, opened) in companions where Self.identity(of: path).map({ $0 == opened }) == true {
            unlink(path)
        }
    }

    /// The device and inode of the file opened: a file deleted or replaced under the gateway is
    /// told by them (`fileProblem`).
    let file: (device: UInt64, inode: UInt64)?

    static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// What became of the database file since it was opened, or nil: deleted, or replaced by
    /// another file. The gateway then still writes into the file it opened, which goes with the
    /// process (audit: the outbox, the history and the kept visits lost without a word).
    /// (A look that fails otherwise than with ENOENT, a directory made unsearchable, tells
    /// nothing, and is not taken for either.)
    public var fileProblem: String? {
        guard let path, let file else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "\(path) was deleted (or its directory moved) while the gateway had it open" : nil
        }
        return (UInt64(info.st_dev), UInt64(info.st_ino)) == file ? nil : "\(path) was replaced by another file while the gateway had the first open"
    }

    /// Writes a copy of the database as the gateway has it (the file it opened, deleted or not)
    /// to `target`, which must not exist (SQLite's `VACUUM INTO`).
    public func saveCopy(to target: String) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
    }

    /// A database a newer version migrated (a downgrade): its schema is one this version does
    /// not know, and writing to it would fail later or leave rows the newer version misreads.
    /// Refused before anything starts, naming the migrations this version lacks.
    static func refuseANewerSchema(_ writer: any DatabaseWriter, path: String) throws {
        let unknown = try writer.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let known = Set(migrator.migrations)
            return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
        }
        guard !unknown.isEmpty else { return }
        throw NewerSchema(path: path, migrations: unknown)
    }

    /// The error of a database a newer version of Footfall migrated.
    public struct NewerSchema: Error, CustomStringConvertible {
        public var path: String
        public var migrations: [String]
        public var description: String {
            "\(path) was migrated by a newer version of footfall (\(migrations.joined(separator: ", ")), which this one does not know); install that version again, or restore the data directory's backup from before the upgrade"
        }
    }

    /// An in-memory database with the same schema, for tests.
    public init() throws {
        writer = try DatabaseQueue(configuration: Configuration())
        path = nil
        file = nil
        companions = [:]
        try Self.migrator.migrate(writer)
    }

    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try writer.write(updates)
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        try writer.read(value)
    }

    /// The frozen migrations, in order. A migration that has shipped is never edited: changes
    /// come as new migrations. Tables are named by string, not by record types.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        Migrations.registerVisitHistory(&migrator)
        Migrations.registerOutbox(&migrator)
        Migrations.registerAnalytics(&migrator)
        Migrations.registerLearntRadio(&migrator)
        Migrations.registerKeptState(&migrator)
        Migrations.registerErasureRequests(&migrator)
        return migrator
    }
}
