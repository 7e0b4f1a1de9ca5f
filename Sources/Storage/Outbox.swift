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
        for event in events {
            var record = OutboxEventRecord(event, appendedAt: appendedAt)
            try record.insert(db)
        }
    }

    /// Makes a sink known. A new sink starts at the oldest event still kept, so it receives
    /// everything not yet compacted away.
    static func register(sink: String, in db: Database) throws {
        try OutboxSinkRecord(name: sink).insert(db, onConflict: .ignore)
    }

    /// Forgets a sink that is no longer configured: its cursor and its letters go, so the
    /// events only it still waited for can be compacted (a forgotten cursor holds every later
    /// event in the outbox for ever). Returns what was still due to it, nil for an unknown sink.
    static func removeSink(
        _ sink: String, in db: Database
    ) throws -> (pending: Int, dead: Int, compacted: Int)? {
        guard let status = try status(in: db).first(where: { $0.sink == sink }) else { return nil }
        let before = try OutboxEventRecord.fetchCount(db)
        try OutboxLetterRecord.filter(Column("sink") == sink).deleteAll(db)
        try OutboxSinkRecord.deleteOne(db, key: sink)
        // With no sink left, events wait for the next one, as before any sink ran.
        try compact(in: db)
        let after = try OutboxEventRecord.fetchCount(db)
        return (status.pending, status.dead, before - after)
    }

    static func sinks(in db: Database) throws -> [String] {
        try OutboxSinkRecord.order(Column("name")).fetchAll(db).map(\.name)
    }

    /// The next events a sink should send, oldest first: letters re-queued by `retry` first
    /// (a batch never mixes them with the cursor's events), then the events after its cursor.
    static func nextBatch(for sink: String, limit: Int, in db: Database) throws -> [OutboxEntry] {
        let redeliveries = try OutboxEventRecord.fetchAll(db, sql: """
            SELECT e.* FROM outbox_letter l JOIN outbox_event e ON e.seq = l.seq
            WHERE l.sink = ? AND l.state = 'retry' ORDER BY l.seq LIMIT ?
            """, arguments: [sink, limit])
        if !redeliveries.isEmpty { return redeliveries.map { OutboxEntry($0, isRedelivery: true) } }
        return try OutboxEventRecord.fetchAll(db, sql: """
            SELECT e.* FROM outbox_event e
            WHERE e.seq > (SELECT cursor FROM outbox_sink WHERE name = ?)
              AND e.seq NOT IN (SELECT seq FROM outbox_letter WHERE sink = ?)
            ORDER BY e.seq LIMIT ?
            """, arguments: [sink, sink, limit]).map { OutboxEntry($0, isRedelivery: false) }
    }

    /// Records the outcome of one round of a sink: `round` is the prefix of `nextBatch` that
    /// was decided (delivered, or dead-lettered in `dead`). The cursor moves past the round,
    /// delivered redeliveries lose their letter, and fully delivered events are compacted.
    static func settle(
        sink: String, round: [OutboxEntry], dead: [(OutboxEntry, DeadLetterReason)],
        at now: Double, in db: Database
    ) throws {
        let deadSeqs = Set(dead.map(\.0.seq))
        let sinkRecord = try OutboxSinkRecord.fetchOne(db, key: sink)
        // A letter's attempts: those of this round, added to what an earlier lettering of the
        // same event (dead, retried, dead again) took.
        let attempts = (sinkRecord?.attempts ?? 0) + 1
        for (entry, why) in dead {
            // An event erased while its round was out (an erasure request) gets no letter: a
            // letter of no event is counted dead and listed as nothing.
            guard try OutboxEventRecord.exists(db, key: entry.seq) else { continue }
            let earlier = try OutboxLetterRecord.fetchOne(db, key: ["sink": sink, "seq": entry.seq])
            let letter = OutboxLetterRecord(
                sink: sink, seq: entry.seq, state: .dead, attempts: (earlier?.attempts ?? 0) + attempts, reason: why.reason,
                responseStatus: why.responseStatus, responseBody: why.responseBody, updatedAt: now)
            try letter.save(db)
        }
        let delivered = round.filter { !deadSeqs.contains($0.seq) }
        let redelivered = delivered.filter(\.isRedelivery).map(\.seq)
        if !redelivered.isEmpty {
            try OutboxLetterRecord
                .filter(Column("sink") == sink && Column("state") == OutboxLetterRecord.State.retry.rawValue)
                .filter(redelivered.contains(Column("seq")))
                .deleteAll(db)
        }
        if var record = sinkRecord {
            let through = round.filter { !$0.isRedelivery }.map(\.seq).max() ?? 0
            record.cursor = max(record.cursor, through)
            record.attempts = 0
            record.lastError = nil
            record.nextAttemptAt = nil
            record.lastAttemptAt = now
            record.deliveredCount += delivered.count
            try record.update(db)
        }
        try compact(in: db)
    }

    /// Notes a failed attempt that will be retried; the events stay pending.
    static func recordFailure(
        sink: String, error: String, nextAttemptAt: Double?, at now: Double, in db: Database
    ) throws {
        guard var record = try OutboxSinkRecord.fetchOne(db, key: sink) else { return }
        record.attempts += 1
        record.lastError = error
        record.lastAttemptAt = now
        record.nextAttemptAt = nextAttemptAt
        try record.update(db)
    }

    /// Queues dead letters to be sent again; returns how many.
    @discardableResult
    static func retryDead(sink: String? = nil, in db: Database) throws -> Int {
        try deadLetters(of: sink).updateAll(db, Column("state").set(to: OutboxLetterRecord.State.retry.rawValue))
    }

    /// Deletes dead letters (the events go with them once no sink needs them); returns how many.
    @discardableResult
    static func purgeDead(sink: String? = nil, in db: Database) throws -> Int {
        let count = try deadLetters(of: sink).deleteAll(db)
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
        try OutboxSinkRecord.order(Column("name")).fetchAll(db).map { sink in
            let name = sink.name, cursor = sink.cursor
            let pendingFromCursor = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(appended_at) AS oldest FROM outbox_event
                WHERE seq > ? AND seq NOT IN (SELECT seq FROM outbox_letter WHERE sink = ?)
                """, arguments: [cursor, name])!
            let retrying = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(e.appended_at) AS oldest FROM outbox_letter l JOIN outbox_event e ON e.seq = l.seq
                WHERE l.sink = ? AND l.state = 'retry'
                """, arguments: [name])!
            let dead = try deadLetters(of: name).fetchCount(db)
            let oldest = [pendingFromCursor["oldest"] as Double?, retrying["oldest"] as Double?].compactMap { $0 }.min()
            return OutboxSinkStatus(
                sink: name, cursor: cursor, pending: (pendingFromCursor["n"] as Int) + (retrying["n"] as Int), dead: dead,
                oldestPendingAppendedAt: oldest, attempts: sink.attempts, lastError: sink.lastError,
                nextAttemptAt: sink.nextAttemptAt, delivered: sink.deliveredCount)
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
            OutboxLetter(try OutboxLetterRecord(row: row), eventID: row["event_id"], eventType: row["event_type"])
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
        return try OutboxEventRecord.filter(Column("anonymous_id") == anonymousID).deleteAll(db)
    }

    /// The sequence number of the newest event ever appended (0 when none).
    static func lastSequence(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox_event'") ?? 0
    }

    /// The dead letters of one sink, or of all.
    private static func deadLetters(of sink: String?) -> QueryInterfaceRequest<OutboxLetterRecord> {
        let dead = OutboxLetterRecord.filter(Column("state") == OutboxLetterRecord.State.dead.rawValue)
        return sink.map { dead.filter(Column("sink") == $0) } ?? dead
    }
}
