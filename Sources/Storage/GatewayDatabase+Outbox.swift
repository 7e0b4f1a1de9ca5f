import FootfallCore
import Foundation
import GRDB

/// The outbox's intent methods (docs/delivery.md): each one transaction. The asynchronous ones
/// are the sink workers': GRDB runs them on its own queues, not on the cooperative pool.
extension GatewayDatabase {
    /// Appends events in order, in a transaction of their own; each gets the next sequence
    /// number. `appendedAt` is the caller's clock (`Timing.now`): Storage reads none.
    public func append(_ events: [PresenceEvent], appendedAt: Double) throws {
        try write { try Outbox.append(events, appendedAt: appendedAt, in: $0) }
    }

    /// Makes a sink known. A new sink starts at the oldest event still kept, so it receives
    /// everything not yet compacted away.
    public func registerSink(_ sink: String) throws {
        try write { try Outbox.register(sink: sink, in: $0) }
    }

    /// The same for a sink worker; a sink known from an earlier run is only read, so it starts
    /// even on a read-only database.
    public func registerSink(_ sink: String) async throws {
        if try await writer.read({ try Outbox.sinks(in: $0) }).contains(sink) { return }
        try await writer.write { try Outbox.register(sink: sink, in: $0) }
    }

    /// Forgets a sink that is no longer configured: its cursor and its letters go, so the
    /// events only it still waited for can be compacted. Returns what was still due to it, nil
    /// for an unknown sink.
    public func removeSink(_ sink: String) throws -> (pending: Int, dead: Int, compacted: Int)? {
        try write { try Outbox.removeSink(sink, in: $0) }
    }

    /// The sinks the outbox keeps a cursor for, by name.
    public func sinks() throws -> [String] {
        try read { try Outbox.sinks(in: $0) }
    }

    /// The next events a sink should send, oldest first: letters re-queued by `retryDead` first
    /// (a batch never mixes them with the cursor's events), then the events after its cursor.
    public func nextBatch(for sink: String, limit: Int) throws -> [OutboxEntry] {
        try read { try Outbox.nextBatch(for: sink, limit: limit, in: $0) }
    }

    public func nextBatch(for sink: String, limit: Int) async throws -> [OutboxEntry] {
        try await writer.read { try Outbox.nextBatch(for: sink, limit: limit, in: $0) }
    }

    /// Records the outcome of one round of a sink: `round` is the prefix of `nextBatch` that
    /// was decided (delivered, or dead-lettered in `dead`). The cursor moves past the round,
    /// delivered redeliveries lose their letter, and fully delivered events are compacted.
    public func settle(
        sink: String, round: [OutboxEntry], dead: [(OutboxEntry, DeadLetterReason)], at now: Double
    ) throws {
        try write { try Outbox.settle(sink: sink, round: round, dead: dead, at: now, in: $0) }
    }

    public func settle(
        sink: String, round: [OutboxEntry], dead: [(OutboxEntry, DeadLetterReason)], at now: Double
    ) async throws {
        // A tuple is not Sendable: the letters cross to GRDB's queue as structs.
        let letters = dead.map { DeadLetter(entry: $0.0, reason: $0.1) }
        try await writer.write { db in
            try Outbox.settle(sink: sink, round: round, dead: letters.map { ($0.entry, $0.reason) }, at: now, in: db)
        }
    }

    /// Notes a failed attempt of a sink that will be retried; the events stay pending.
    public func recordFailure(sink: String, error: String, nextAttemptAt: Double?, at now: Double) async throws {
        try await writer.write { try Outbox.recordFailure(sink: sink, error: error, nextAttemptAt: nextAttemptAt, at: now, in: $0) }
    }

    /// Queues dead letters (of one sink, or all) to be sent again; returns how many.
    @discardableResult
    public func retryDead(sink: String? = nil) throws -> Int {
        try write { try Outbox.retryDead(sink: sink, in: $0) }
    }

    /// Deletes dead letters (the events go with them once no sink needs them); returns how many.
    @discardableResult
    public func purgeDead(sink: String? = nil) throws -> Int {
        try write { try Outbox.purgeDead(sink: sink, in: $0) }
    }

    /// Every sink's queue, by sink name, as `footfall outbox status` shows it.
    public func outboxStatus() throws -> [OutboxSinkStatus] {
        try read { try Outbox.status(in: $0) }
    }

    public func outboxStatus() async throws -> [OutboxSinkStatus] {
        try await writer.read { try Outbox.status(in: $0) }
    }

    /// Every sink's queue with the sequence number of the newest event ever appended, read together.
    public func outboxStatusAndLastSequence() throws -> (status: [OutboxSinkStatus], lastSequence: Int64) {
        try read { (try Outbox.status(in: $0), try Outbox.lastSequence(in: $0)) }
    }

    /// Pending events of one sink, oldest first (what `nextBatch` would send, in order).
    public func pending(for sink: String, limit: Int) throws -> [OutboxEntry] {
        try read { try Outbox.pending(for: sink, limit: limit, in: $0) }
    }

    /// Letters (dead, or queued again by `retryDead`), oldest first.
    public func letters(sink: String? = nil, state: String? = nil, limit: Int = 1000) throws -> [OutboxLetter] {
        try read { try Outbox.letters(sink: sink, state: state, limit: limit, in: $0) }
    }

    /// The sequence number of the newest event ever appended (0 when none).
    public func lastSequence() throws -> Int64 {
        try read { try Outbox.lastSequence(in: $0) }
    }

    /// How many events the outbox still keeps: those some sink has not settled yet, those a
    /// letter refers to, and every event while no sink is known.
    public func keptEventCount() throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event") ?? 0 }
    }

    /// The pseudonyms (`anonymous_id`) that events still kept gave a customer id: how an
    /// erasure request that names only the `customer_id` finds the visit history.
    public func anonymousIDs(ofCustomer customerID: String) throws -> [String] {
        try read { try Outbox.anonymousIDs(ofCustomer: customerID, in: $0) }
    }

    /// How many events still kept carry this `anonymous_id` or `customer_id`.
    public func keptEventCount(identity: String) throws -> Int {
        try read { try Outbox.eventCount(identity: identity, in: $0) }
    }

    /// How many events still kept carry this `anonymous_id` (a pseudonym), whatever their
    /// `customer_id`.
    public func keptEventCount(anonymousID: String) throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event WHERE anonymous_id = ?", arguments: [anonymousID]) ?? 0 }
    }

    /// Removes every event still kept that carries this `customer_id`, with its letters; how
    /// many went (an erasure request that names the customer: their events carry their
    /// pseudonym too, but one of another pseudonym would otherwise stay).
    public func eraseEvents(ofCustomer customerID: String) throws -> Int {
        try erasing { db in
            try db.execute(
                sql: "DELETE FROM outbox_letter WHERE seq IN (SELECT seq FROM outbox_event WHERE customer_id = ?)", arguments: [customerID])
            try db.execute(sql: "DELETE FROM outbox_event WHERE customer_id = ?", arguments: [customerID])
            return db.changesCount
        }
    }

    /// Calls `onChange` after every commit that appends, settles or letters events, whichever
    /// process made it; stops when the observation is cancelled.
    public func observeOutbox(
        onError: @escaping @Sendable (any Error) -> Void, onChange: @escaping @Sendable () -> Void
    ) -> OutboxObservation {
        OutboxObservation(
            DatabaseRegionObservation(tracking: Table("outbox_event"), Table("outbox_letter")).start(
                in: writer, onError: onError, onChange: { _ in onChange() }))
    }
}

/// A dead letter on its way to the database's queue (a tuple is not Sendable).
private struct DeadLetter: Sendable {
    var entry: OutboxEntry
    var reason: DeadLetterReason
}
