import GRDB

extension Migrations {
    /// Erasure requests left for a running daemon (`visits erase`): the visit in progress it
    /// holds in memory is in no table the command can reach. One row a pseudonym
    /// (`Pseudonymizer.identityKey`, never a device id), taken by the daemon at its next tick,
    /// which writes what it dropped for the command to say.
    static func registerErasureRequests(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-erasure-request") { db in
            try db.execute(sql: """
                CREATE TABLE erasure_request (
                    identity TEXT PRIMARY KEY NOT NULL,
                    requested_at DOUBLE NOT NULL,
                    taken_at DOUBLE,
                    visits INTEGER NOT NULL DEFAULT 0,
                    staff INTEGER NOT NULL DEFAULT 0,
                    events INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID
                """)
        }
    }
}
