import FootfallCore
import FootfallTesting
import Storage
import Testing

@Suite struct OutboxTests {
    @Test func appendedEventsGetIncreasingSequenceNumbersAndComeBackInOrder() throws {
        let db = try GatewayDatabase()
        try db.append(TestEvents.make(count: 10), appendedAt: Timing.live.now())
        try db.registerSink("a")
        let batch = try db.nextBatch(for: "a", limit: 100)
        #expect(batch.map(\.seq) == Array(1...10))
        #expect(batch.map(\.eventID) == TestEvents.make(count: 10).map(\.id))
        #expect(batch[0].body == TestEvents.make(count: 1)[0].jsonLine())
    }

    @Test func eventsAppendedInARolledBackTransactionAreNotInTheOutbox() throws {
        let db = try GatewayDatabase()
        struct VisitFailed: Error {}
        #expect(throws: VisitFailed.self) {
            try db.transaction { transaction in
                try transaction.append(TestEvents.make(count: 3), appendedAt: Timing.live.now())
                throw VisitFailed()
            }
        }
        #expect(try db.lastSequence() == 0)
    }

    @Test func eachSinkHasItsOwnCursorAndEventsAreCompactedOnlyWhenAllHaveThem() throws {
        let db = try GatewayDatabase()
        try db.registerSink("a")
        try db.registerSink("b")
        try db.append(TestEvents.make(count: 6), appendedAt: Timing.live.now())
        let forA = try db.nextBatch(for: "a", limit: 4)
        try db.settle(sink: "a", round: forA, dead: [], at: Timing.live.now())
        #expect(try db.nextBatch(for: "a", limit: 10).map(\.seq) == [5, 6])
        #expect(try db.nextBatch(for: "b", limit: 10).map(\.seq) == Array(1...6))
        #expect(try db.keptEventCount() == 6)
        let forB = try db.nextBatch(for: "b", limit: 2)
        try db.settle(sink: "b", round: forB, dead: [], at: Timing.live.now())
        #expect(try db.keptEventCount() == 4)
        let status = try db.outboxStatus()
        #expect(status.map(\.pending) == [2, 4])
    }

    @Test func aRemovedSinkNoLongerHoldsEventsBack() throws {
        let db = try GatewayDatabase()
        try db.registerSink("kept")
        try db.registerSink("gone")
        try db.append(TestEvents.make(count: 6), appendedAt: Timing.live.now())
        // "gone" had two events dead-lettered and never moved on; "kept" delivered all six.
        let round = try db.nextBatch(for: "gone", limit: 2)
        let why = DeadLetterReason(reason: "refused", responseStatus: 400, responseBody: nil)
        try db.settle(sink: "gone", round: round, dead: round.map { ($0, why) }, at: Timing.live.now())
        try db.settle(sink: "kept", round: try db.nextBatch(for: "kept", limit: 10), dead: [], at: Timing.live.now())
        #expect(try db.keptEventCount() == 6, "held for gone")
        let removed = try #require(try db.removeSink("gone"))
        #expect(removed.pending == 4 && removed.dead == 2 && removed.compacted == 6)
        #expect(try db.keptEventCount() == 0)
        #expect(try db.sinks() == ["kept"])
        #expect(try db.letters().isEmpty)
        #expect(try db.removeSink("never-was") == nil)
        // Later events are compacted as soon as "kept" has them.
        try db.append(TestEvents.make(count: 2), appendedAt: Timing.live.now())
        try db.settle(sink: "kept", round: try db.nextBatch(for: "kept", limit: 10), dead: [], at: Timing.live.now())
        #expect(try db.keptEventCount() == 0)
    }

    @Test func removingTheLastSinkKeepsTheEventsForTheNext() throws {
        let db = try GatewayDatabase()
        try db.registerSink("only")
        try db.append(TestEvents.make(count: 3), appendedAt: Timing.live.now())
        let removed = try #require(try db.removeSink("only"))
        #expect(removed.pending == 3 && removed.compacted == 0)
        try db.registerSink("next")
        #expect(try db.nextBatch(for: "next", limit: 10).map(\.seq) == [1, 2, 3])
    }

    @Test func deadLettersKeepTheResponseAndRetryQueuesThemAheadOfTheCursor() throws {
        let db = try GatewayDatabase()
        try db.registerSink("a")
        try db.append(TestEvents.make(count: 3), appendedAt: Timing.live.now())
        let round = try db.nextBatch(for: "a", limit: 2)
        let why = DeadLetterReason(reason: "refused", responseStatus: 400, responseBody: "{\"error\":\"bad\"}")
        try db.settle(sink: "a", round: round, dead: round.map { ($0, why) }, at: Timing.live.now())
        let dead = try db.letters(sink: "a", state: "dead")
        #expect(dead.map(\.eventID) == ["e-000000", "e-000001"])
        #expect(dead[0].responseStatus == 400 && dead[0].responseBody == "{\"error\":\"bad\"}")
        #expect(try db.outboxStatus().first?.dead == 2)
        #expect(try db.retryDead(sink: "a") == 2)
        let again = try db.nextBatch(for: "a", limit: 10)
        #expect(again.map(\.seq) == [1, 2] && again.allSatisfy(\.isRedelivery))
        try db.settle(sink: "a", round: again, dead: [], at: Timing.live.now())
        #expect(try db.letters().isEmpty)
        #expect(try db.nextBatch(for: "a", limit: 10).map(\.seq) == [3])
    }

    @Test func aLetterCountsTheAttemptsOfEveryTimeItWasLettered() async throws {
        let db = try GatewayDatabase()
        try await db.registerSink("a")
        try db.append(TestEvents.make(count: 1), appendedAt: 1_700_000_000)
        // Two failed attempts, then the third is refused: three attempts.
        for attempt in 1...2 {
            let at = 1_700_000_000 + Double(attempt)
            try await db.recordFailure(sink: "a", error: "HTTP 503", nextAttemptAt: at + 1, at: at)
        }
        #expect(try await db.outboxStatus().first?.attempts == 2)
        let why = DeadLetterReason(reason: "refused", responseStatus: 422, responseBody: "no")
        var round = try await db.nextBatch(for: "a", limit: 1)
        try await db.settle(sink: "a", round: round, dead: [(round[0], why)], at: 1_700_000_003)
        #expect(try db.letters().map(\.attempts) == [3])
        #expect(try await db.outboxStatus().first?.attempts == 0, "a settled round starts the sink's count again")
        // Sent again and refused at once: one more.
        try db.retryDead()
        round = try await db.nextBatch(for: "a", limit: 1)
        #expect(round.first?.isRedelivery == true)
        try await db.settle(sink: "a", round: round, dead: [(round[0], DeadLetterReason(reason: "refused again"))], at: 1_700_000_010)
        let letter = try #require(try db.letters().first)
        #expect(letter.attempts == 4 && letter.state == "dead" && letter.reason == "refused again")
        #expect(letter.responseStatus == nil && letter.updatedAt == 1_700_000_010)
    }

    @Test func erasingAShopperRemovesTheirEventsAndLettersAndTheSinkSkipsTheGap() throws {
        let db = try GatewayDatabase()
        // 14 events over shoppers 0–6: shopper-1's are e-000001 and e-000008.
        try db.registerSink("a")
        try db.append(TestEvents.make(count: 14), appendedAt: Timing.live.now())
        let first = try db.nextBatch(for: "a", limit: 2)
        try db.settle(sink: "a", round: first, dead: [(first[1], DeadLetterReason(reason: "refused"))], at: Timing.live.now())
        #expect(try db.letters().map(\.eventID) == ["e-000001"])
        #expect(try db.erase(identity: "shopper-1").events == 2)
        #expect(try db.keptEventCount(identity: "shopper-1") == 0)
        #expect(try db.letters().isEmpty, "the dead letter of an erased event goes with it")
        #expect(try db.keptEventCount(identity: "shopper-2") == 2, "others are kept")
        let rest = try db.nextBatch(for: "a", limit: 20)
        #expect(rest.map(\.eventID) == (2..<14).filter { $0 != 8 }.map { String(format: "e-%06d", $0) })
        // Erased while a round holding its events is out (the deliverer runs beside the erase):
        // that round's refusal letters no erased event.
        #expect(try db.erase(identity: "shopper-2").events == 2)
        let refused = rest.filter { ["e-000002", "e-000009"].contains($0.eventID) }
        try db.settle(sink: "a", round: rest, dead: refused.map { ($0, DeadLetterReason(reason: "refused")) }, at: Timing.live.now())
        #expect(try db.letters().isEmpty, "no letter of an erased event")
    }

    @Test func purgeDeadDeletesTheLettersAndTheirEvents() throws {
        let db = try GatewayDatabase()
        try db.registerSink("a")
        try db.append(TestEvents.make(count: 2), appendedAt: Timing.live.now())
        let round = try db.nextBatch(for: "a", limit: 10)
        try db.settle(sink: "a", round: round, dead: [(round[0], DeadLetterReason(reason: "too big"))], at: Timing.live.now())
        #expect(try db.purgeDead() == 1)
        #expect(try db.keptEventCount() == 0)
        #expect(try db.lastSequence() == 2)
    }

    @Test func aSinkWorkersRoundRegistersReadsSettlesAndRecordsFailuresOffTheCallersThread() async throws {
        let db = try GatewayDatabase()
        try db.append(TestEvents.make(count: 3), appendedAt: Timing.live.now())
        try await db.registerSink("a")
        // Registering again keeps the cursor where it is.
        let first = try await db.nextBatch(for: "a", limit: 2)
        try await db.settle(sink: "a", round: first, dead: [(first[1], DeadLetterReason(reason: "refused"))], at: 1_700_000_010)
        try await db.registerSink("a")
        try await db.recordFailure(sink: "a", error: "HTTP 503", nextAttemptAt: 1_700_000_020, at: 1_700_000_012)
        let status = try #require(try await db.outboxStatus().first)
        #expect(status.cursor == 2 && status.pending == 1 && status.dead == 1 && status.delivered == 1)
        #expect(status.attempts == 1 && status.lastError == "HTTP 503" && status.nextAttemptAt == 1_700_000_020)
        #expect(try await db.nextBatch(for: "a", limit: 10).map(\.seq) == [3])
    }

    @Test(.timeLimit(.minutes(10)))
    func theOutboxObservationIsToldOfEveryAppendAndSettlement() async throws {
        let db = try GatewayDatabase()
        try await db.registerSink("a")
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self)
        let observation = db.observeOutbox(onError: { Issue.record("\($0)") }, onChange: { continuation.yield() })
        defer { observation.cancel() }
        var told = changes.makeAsyncIterator()
        try db.append(TestEvents.make(count: 2), appendedAt: Timing.live.now())
        #expect(await told.next() != nil, "the append")
        let round = try await db.nextBatch(for: "a", limit: 1)
        try await db.settle(sink: "a", round: round, dead: [(round[0], DeadLetterReason(reason: "refused"))], at: Timing.live.now())
        #expect(await told.next() != nil, "the dead letter")
    }
}
