import GRDB

extension Migrations {
    /// The store analytics (docs/analytics.md): counts per interval, zone and metric, written
    /// with the events they come from. No device, pseudonym or address column: counts only.
    static func registerAnalytics(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-analytics") { db in
            // `interval_seconds` is 900 for a quarter hour, 86400 for a day compacted from them.
            // `zone` is '' for the whole store.
            try db.execute(sql: """
                CREATE TABLE analytics_count (
                    interval_start DOUBLE NOT NULL,
                    interval_seconds DOUBLE NOT NULL,
                    zone TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    value INTEGER NOT NULL,
                    PRIMARY KEY (interval_start, interval_seconds, zone, metric)
                ) WITHOUT ROWID
                """)
        }
    }
}
