import GRDB

extension Migrations {
    /// State the daemon keeps across a stop and takes back at its next start, one value a name
    /// (`open_visits`: the visits in progress). The value is sealed by the caller: the database
    /// holds no device id in the clear.
    static func registerKeptState(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-kept-state") { db in
            try db.execute(sql: """
                CREATE TABLE kept_state (
                    name TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL,
                    saved_at DOUBLE NOT NULL
                ) WITHOUT ROWID
                """)
        }
    }
}
