import GRDB

extension Migrations {
    /// The durable outbox (docs/delivery.md): every event appended once with a monotonically
    /// increasing `seq`, one cursor per sink, and the per-sink letters of events that a sink
    /// rejected (dead) or that an engineer asked to send again (retry).
    static func registerOutbox(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-outbox") { db in
            // AUTOINCREMENT so a sequence number is never reused, even after the newest rows
            // have been compacted away.
            try db.execute(sql: """
                CREATE TABLE outbox_event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    occurred_at DOUBLE NOT NULL,
                    store_id TEXT NOT NULL,
                    gateway_id TEXT NOT NULL,
                    customer_id TEXT,
                    anonymous_id TEXT,
                    appended_at DOUBLE NOT NULL,
                    body TEXT NOT NULL
                )
                """)
            // `cursor`: every event with seq <= cursor is settled (delivered or lettered) for
            // this sink. `attempts`/`last_error` describe the head of its queue.
            try db.execute(sql: """
                CREATE TABLE outbox_sink (
                    name TEXT PRIMARY KEY NOT NULL,
                    cursor INTEGER NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    last_attempt_at DOUBLE,
                    next_attempt_at DOUBLE,
                    delivered_count INTEGER NOT NULL DEFAULT 0
                )
                """)
            try db.execute(sql: """
                CREATE TABLE outbox_letter (
                    sink TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('dead', 'retry')),
                    attempts INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    response_status INTEGER,
                    response_body TEXT,
                    updated_at DOUBLE NOT NULL,
                    PRIMARY KEY (sink, seq)
                )
                """)
            try db.execute(sql: "CREATE INDEX outbox_letter_by_seq ON outbox_letter(seq)")
        }
    }
}
