import GRDB

/// Erasure requests for a running daemon (`erasure_request`): `visits erase` erases what the
/// database holds itself and leaves a request for what only the daemon holds — a visit in
/// progress and a staff mark, in memory — then waits for the daemon to say what it dropped.
extension GatewayDatabase {
    /// What a daemon did with an erasure request: the visits in progress and staff marks it
    /// dropped, and the events of theirs it erased from the outbox (made between the command's
    /// erasure and its own).
    public struct ErasureTaken: Sendable, Equatable {
        public var visits: Int, staff: Int, events: Int

        public init(visits: Int, staff: Int, events: Int) {
            (self.visits, self.staff, self.events) = (visits, staff, events)
        }
    }

    /// How long (s) a daemon's answer to an erasure request is kept for the command that asked:
    /// longer than the longest `--wait`; then the row, which names the erased shopper's
    /// pseudonym, goes.
    public static let erasureAnswerKept = 7_200.0

    /// Leaves a request for each pseudonym (again, if one was left before: taken anew).
    public func requestErasure(of identities: [String], at time: Double) throws {
        try write { db in
            for identity in Set(identities) {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO erasure_request (identity, requested_at) VALUES (?, ?)", arguments: [identity, time])
            }
        }
    }

    /// The requests a daemon has taken, of these pseudonyms, with what it did.
    public func takenErasures(of identities: [String]) throws -> [String: ErasureTaken] {
        try read { db in
            var taken: [String: ErasureTaken] = [:]
            for identity in Set(identities) {
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT visits, staff, events FROM erasure_request WHERE identity = ? AND taken_at IS NOT NULL",
                    arguments: [identity])
                else { continue }
                taken[identity] = ErasureTaken(visits: row["visits"], staff: row["staff"], events: row["events"])
            }
            return taken
        }
    }

    /// Removes the requests of these pseudonyms, taken or not (the command has said what came
    /// of them).
    public func withdrawErasureRequests(of identities: [String]) throws {
        try erasing { db in
            for identity in Set(identities) {
                try db.execute(sql: "DELETE FROM erasure_request WHERE identity = ?", arguments: [identity])
            }
        }
    }

    /// The pseudonyms of the requests no daemon has taken yet, and whether requests taken
    /// before `staleBefore` are left (their command gone: `completeErasures` removes them).
    public func pendingErasures(staleBefore: Double = -.infinity) throws -> (identities: [String], stale: Bool) {
        try read { db in
            let pending = try String.fetchAll(db, sql: "SELECT identity FROM erasure_request WHERE taken_at IS NULL ORDER BY identity")
            let stale = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM erasure_request WHERE taken_at < ?)", arguments: [staleBefore]) ?? false
            return (pending, stale)
        }
    }

    /// A daemon's part of erasure requests, in one transaction: the visit history of each
    /// pseudonym and the events still kept under it or under `anonymousIDs` (those of the visits
    /// it dropped) go again — the pipeline may have ended a visit or made events since the
    /// command's erasure — and each request is marked taken with what was dropped. Requests
    /// taken more than `forgetTakenAfter` before `time` go (their command is gone).
    @discardableResult
    public func completeErasures(
        _ dropped: [String: (visits: Int, staff: Int)], anonymousIDs: [String: [String]], at time: Double, forgetTakenAfter: Double = GatewayDatabase.erasureAnswerKept
    ) throws -> Int {
        try erasing { db in
            var erased = 0
            for (identity, counts) in dropped {
                _ = try VisitTable.erase(identity: identity, in: db)
                var events = try Outbox.erase(anonymousID: identity, in: db)
                for anonymous in Set(anonymousIDs[identity] ?? []) where anonymous != identity {
                    events += try Outbox.erase(anonymousID: anonymous, in: db)
                }
                erased += events
                try db.execute(
                    sql: "UPDATE erasure_request SET taken_at = ?, visits = ?, staff = ?, events = ? WHERE identity = ? AND taken_at IS NULL",
                    arguments: [time, counts.visits, counts.staff, events, identity])
            }
            try db.execute(sql: "DELETE FROM erasure_request WHERE taken_at IS NOT NULL AND taken_at < ?", arguments: [time - forgetTakenAfter])
            return erased
        }
    }
}
