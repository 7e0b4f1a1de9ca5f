import GRDB

extension Migrations {
    static func registerVisitHistory(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-visit-history") { db in
            // One row per completed visit of a consented identity (never for rotating addresses).
            try db.create(table: "visit") { t in
                t.column("id", .text).primaryKey()
                t.column("identity", .text).notNull()
                t.column("started_at", .double).notNull()
                t.column("ended_at", .double).notNull()
                t.column("duration_seconds", .double).notNull()
            }
            try db.create(index: "visit_by_identity", on: "visit", columns: ["identity", "started_at"])
            try db.create(index: "visit_by_end", on: "visit", columns: ["ended_at"])
        }
    }
}
