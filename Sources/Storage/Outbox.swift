import FootfallCore
import Foundation
import GRDB

/// The durable outbox's SQL (docs/delivery.md): the `outbox_event`, `outbox_sink` and
/// `outbox_letter` tables. Every function takes the `Database` of a transaction an intent
/// method of `GatewayDatabase` opened, so the events land with the visits and counts they
/// come from, or not at all.
enum Outbox {
    /// Appends events in order; each gets the next sequence number.
    static func append(_ events: [PresenceEvent], appendedAt: Double, in db: Database) throws {
        guard !events.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outbox_event
                (event_id, event_type, occurred_at, store_id, gateway_id, customer_id, anonymous_id, appended_at, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for event in events {
            try statement.execute(arguments: [
                event.id, event.type.rawValue, event.occurredAt, event.storeID, event.gatewayID,
                event.customerID, event.anonymousID, appendedAt, event.jsonLine(),
            ])
        }
    }

    /// Makes a sink known. A new sink starts at the oldest event still kept, so it receives
    /// everything not yet compacted away.
    static func register(sink: String, in db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO outbox_sink (name, cursor) VALUES (?, 0)", arguments: [sink])
    }

    /// Forgets a sink that is no longer configured: its cursor and its letters go, so the
    /// events only it still waited for can be compacted (a forgotten cursor holds every later
    /// event in the outbox for ever). Returns what was still due to it, nil for an unknown sink.
    static func removeSink(
        _ sink: String, in db: Database
    ) throws -> (pending: Int, dead: Int, compacted: Int)? {
        guard let status = try status(in: db).first(where: { $0.sink == sink }) else { return nil }
        let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_event") ?? 0
        try db.execute(sql: "DELETE FROM outbox_letter WHERE sink = ?", arguments: [sink])
        try db.execute(sql: "DELETE FROM outbox_sink WHERE name = ?", arguments: [sink])
        // With no sink left, events wait for the next one, as before any sink ran.
        try compact(in: db)
        let after = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox_event") ?? 0
        return (status.pending, status.dead, before - after)
    }

    static func sinks(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM outbox_sink ORDER BY name")
    }

    /// The next events a sink should send, oldest first: letters re-queued by `retry` first
    /// (a batch never mixes them with the cursor's events), then the events after its cursor.
    static func nextBatch(for sink: String, limit: Int, in db: Database) throws -> [OutboxEntry] {
        let redeliveries = try OutboxEntry.fetchAll(db, sql: """
            SELECT e.*, 1 AS redelivery FROM outbox_letter l JOIN outbox_event e ON e.seq = l.seq
            WHERE l.sink = ? AND l.state = 'retry' ORDER BY l.seq LIMIT ?
            """, arguments: [sink, limit])
        if !redeliveries.isEmpty { return redeliveries }
        return try OutboxEntry.fetchAll(db, sql: """
            SELECT e.*, 0 AS redelivery FROM outbox_event e
            WHERE e.seq > (SELECT cursor FROM outbox_sink WHERE name = ?)
              AND e.seq NOT IN (SELECT seq FROM outbox_letter WHERE sink = ?)
            ORDER BY e.seq LIMIT ?
            """, arguments: [sink, sink, limit])
    }

    /// Records the outcome of one round of a sink: `round` is the prefix of `nextBatch` that
    /// was decided (delivered, or dead-lettered in `dead`). The cursor moves past the round,
    /// delivered redeliveries lose their letter, and fully delivered events are compacted.
    static func settle(
        sink: String, round: [OutboxEntry], dead: [(OutboxEntry, DeadLetterReason)],
        at now: Double, in db: Database
    ) throws {
        let deadSeqs = Set(dead.map(\.0.seq))
        let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM outbox_sink WHERE name = ?", arguments: [sink]) ?? 0
        for (entry, why) in dead {
            try db.execute(sql: """
                INSERT INTO outbox_letter (sink, seq, state, attempts, reason, response_status, response_body, updated_at)
                VALUES (?, ?, 'dead', ?, ?, ?, ?, ?)
                ON CONFLICT (sink, seq) DO UPDATE SET state = 'dead', attempts = outbox_letter.attempts + excluded.attempts,
                    reason = excluded.reason, response_status = excluded.response_status,
                    response_body = excluded.response_body, updated_at = excluded.updated_at
                """, arguments: [sink, entry.seq, attempts + 1, why.reason, why.responseStatus, why.responseBody, now])
        }
        let delivered = round.filter { !deadSeqs.contains($0.seq) }
        let redelivered = delivered.filter(\.isRedelivery).map(\.seq)
        if !redelivered.isEmpty {
            try db.execute(
                sql: "DELETE FROM outbox_letter WHERE sink = ? AND state = 'retry' AND seq IN (\(placeholders(redelivered.count)))",
                arguments: StatementArguments([sink] as [any DatabaseValueConvertible] + redelivered))
        }
        let through = round.filter { !$0.isRedelivery }.map(\.seq).max() ?? 0
        try db.execute(sql: """
            UPDATE outbox_sink SET cursor = max(cursor, ?), attempts = 0, last_error = NULL, next_attempt_at = NULL,
                last_attempt_at = ?, delivered_count = delivered_count + ?
            WHERE name = ?
            """, arguments: [through, now, delivered.count, sink])
        try compact(in: db)
    }

    /// Notes a failed attempt that will be retried; the events stay pending.
    static func recordFailure(
        sink: String, error: String, nextAttemptAt: Double?, at now: Double, in db: Database
    ) throws {
        try db.execute(sql: """
            UPDATE outbox_sink SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?, next_attempt_at = ?
            WHERE name = ?
            """, arguments: [error, now, nextAttemptAt, sink])
    }

    /// Queues dead letters to be sent again; returns how many.
    @discardableResult
    static func retryDead(sink: String? = nil, in db: Database) throws -> Int {
        if let sink {
            try db.execute(sql: "UPDATE outbox_letter SET state = 'retry' WHERE state = 'dead' AND sink = ?", arguments: [sink])
        } else {
            try db.execute(sql: "UPDATE outbox_letter SET state = 'retry' WHERE state = 'dead'")
        }
        return db.changesCount
    }

    /// Deletes dead letters (the events go with them once no sink needs them); returns how many.
    @discardableResult
    static func purgeDead(sink: String? = nil, in db: Database) throws -> Int {
        if let sink {
            try db.execute(sql: "DELETE FROM outbox_letter WHERE state = 'dead' AND sink = ?", arguments: [sink])
        } else {
            try db.execute(sql: "DELETE FROM outbox_letter WHERE state = 'dead'")
        }
        let count = db.changesCount
        try compact(in: db)
        return count
    }

    /// Deletes the events every known sink has settled and no letter refers to. With no sink
    /// known, nothing is deleted: the events wait for the first sink.
    static func compact(in db: Database) throws {
        try db.execute(sql: """
            DELETE FROM outbox_event
            WHERE seq <= (SELECT coalesce(min(cursor), 0) FROM outbox_sink)
              AND seq NOT IN (SELECT seq FROM outbox_letter)
            """)
    }

    static func status(in db: Database) throws -> [OutboxSinkStatus] {
        try Row.fetchAll(db, sql: "SELECT * FROM outbox_sink ORDER BY name").map { row in
            let name: String = row["name"]
            let cursor: Int64 = row["cursor"]
            let pendingFromCursor = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(appended_at) AS oldest FROM outbox_event
                WHERE seq > ? AND seq NOT IN (SELECT seq FROM outbox_letter WHERE sink = ?)
                """, arguments: [cursor, name])!
            let retrying = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(e.appended_at) AS oldest FROM outbox_letter l JOIN outbox_event e ON e.seq = l.seq
                WHERE l.sink = ? AND l.state = 'retry'
                """, arguments: [name])!
            let dead = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM outbox_letter WHERE sink = ? AND state = 'dead'", arguments: [name]) ?? 0
            let oldest = [pendingFromCursor["oldest"] as Double?, retrying["oldest"] as Double?].compactMap { $0 }.min()
            return OutboxSinkStatus(
                sink: name, cursor: cursor, pending: (pendingFromCursor["n"] as Int) + (retrying["n"] as Int), dead: dead,
                oldestPendingAppendedAt: oldest, attempts: row["attempts"], lastError: row["last_error"],
                nextAttemptAt: row["next_attempt_at"], delivered: row["delivered_count"])
        }
    }

    /// Pending events of one sink, oldest first (what `nextBatch` would send, in order).
    static func pending(for sink: String, limit: Int, in db: Database) throws -> [OutboxEntry] {
        try nextBatch(for: sink, limit: limit, in: db)
    }

    /// Letters (dead, or queued again by `retry`), oldest first.
    static func letters(sink: String? = nil, state: String? = nil, limit: Int = 1000, in db: Database) throws -> [OutboxLetter] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let sink { conditions.append("l.sink = ?"); arguments.append(sink) }
        if let state { conditions.append("l.state = ?"); arguments.append(state) }
        arguments.append(limit)
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try Row.fetchAll(db, sql: """
            SELECT l.*, e.event_id, e.event_type FROM outbox_letter l JOIN outbox_event e ON e.seq = l.seq
            \(filter) ORDER BY l.sink, l.seq LIMIT ?
            """, arguments: StatementArguments(arguments)).map { row in
            OutboxLetter(
                sink: row["sink"], seq: row["seq"], eventID: row["event_id"], eventType: row["event_type"],
                state: row["state"], attempts: row["attempts"], reason: row["reason"],
                responseStatus: row["response_status"], responseBody: row["response_body"], updatedAt: row["updated_at"])
        }
    }

    /// The pseudonyms (`anonymous_id`) that events still kept gave a customer id: how an
    /// erasure request that names only the `customer_id` finds the visit history.
    static func anonymousIDs(ofCustomer customerID: String, in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT DISTINCT anonymous_id FROM outbox_event WHERE customer_id = ? AND anonymous_id IS NOT NULL ORDER BY anonymous_id",
            arguments: [customerID])
    }

    /// How many events still kept carry this `anonymous_id` or `customer_id`.
    static func eventCount(identity: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM outbox_event WHERE anonymous_id = ? OR customer_id = ?", arguments: [identity, identity]) ?? 0
    }

    /// Removes every event still kept that carries this pseudonym (`anonymous_id`), delivered
    /// or not, with its letters: an erasure request leaves nothing of the shopper on the
    /// gateway, and what was not sent yet is not sent. The sinks' cursors stand; their next
    /// batches skip the gap. Returns how many events were removed.
    @discardableResult
    static func erase(anonymousID: String, in db: Database) throws -> Int {
        try db.execute(
            sql: "DELETE FROM outbox_letter WHERE seq IN (SELECT seq FROM outbox_event WHERE anonymous_id = ?)", arguments: [anonymousID])
        try db.execute(sql: "DELETE FROM outbox_event WHERE anonymous_id = ?", arguments: [anonymousID])
        return db.changesCount
    }

    /// The sequence number of the newest event ever appended (0 when none).
    static func lastSequence(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox_event'") ?? 0
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }
}
