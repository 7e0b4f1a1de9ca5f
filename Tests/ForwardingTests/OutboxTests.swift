import FootfallCore
import GRDB
import Storage
import Testing

@Suite struct OutboxTests {
    @Test func appendedEventsGetIncreasingSequenceNumbersAndComeBackInOrder() throws {
        let db = try GatewayDatabase()
        try db.write { try Outbox.append(TestEvents.make(count: 10), in: $0) }
        try db.write { try Outbox.register(sink: "a", in: $0) }
        let batch = try db.read { try Outbox.nextBatch(for: "a", limit: 100, in: $0) }
        #expect(batch.map(\.seq) == Array(1...10))
        #expect(batch.map(\.eventID) == TestEvents.make(count: 10).map(\.id))
        #expect(batch[0].body == TestEvents.make(count: 1)[0].jsonLine())
    }

    @Test func eventsAppendedInARolledBackTransactionAreNotInTheOutbox() throws {
        let db = try GatewayDatabase()
        struct VisitFailed: Error {}
        #expect(throws: VisitFailed.self) {
            try db.write { db in
                try Outbox.append(TestEvents.make(count: 3), in: db)
                throw VisitFailed()
            }
        }
        #expect(try db.read { try Outbox.lastSequence(in: $0) } == 0)
    }

    @Test func eachSinkHasItsOwnCursorAndEventsAreCompactedOnlyWhenAllHaveThem() throws {
        let db = try GatewayDatabase()
        try db.write { db in
            try Outbox.register(sink: "a", in: db)
            try Outbox.register(sink: "b", in: db)
            try Outbox.append(TestEvents.make(count: 6), in: db)
        }
        let forA = try db.read { try Outbox.nextBatch(for: "a", limit: 4, in: $0) }
        try db.write { try Outbox.settle(sink: "a", round: forA, dead: [], in: $0) }
        #expect(try db.read { try Outbox.nextBatch(for: "a", limit: 10, in: $0) }.map(\.seq) == [5, 6])
        #expect(try db.read { try Outbox.nextBatch(for: "b", limit: 10, in: $0) }.map(\.seq) == Array(1...6))
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event") } == 6)
        let forB = try db.read { try Outbox.nextBatch(for: "b", limit: 2, in: $0) }
        try db.write { try Outbox.settle(sink: "b", round: forB, dead: [], in: $0) }
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT min(seq) FROM outbox_event") } == 3)
        let status = try db.read { try Outbox.status(in: $0) }
        #expect(status.map(\.pending) == [2, 4])
    }

    @Test func aRemovedSinkNoLongerHoldsEventsBack() throws {
        let db = try GatewayDatabase()
        try db.write { db in
            try Outbox.register(sink: "kept", in: db)
            try Outbox.register(sink: "gone", in: db)
            try Outbox.append(TestEvents.make(count: 6), in: db)
        }
        // "gone" had two events dead-lettered and never moved on; "kept" delivered all six.
        try db.write { db in
            let round = try Outbox.nextBatch(for: "gone", limit: 2, in: db)
            let why = DeadLetterReason(reason: "refused", responseStatus: 400, responseBody: nil)
            try Outbox.settle(sink: "gone", round: round, dead: round.map { ($0, why) }, in: db)
            try Outbox.settle(sink: "kept", round: try Outbox.nextBatch(for: "kept", limit: 10, in: db), dead: [], in: db)
        }
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event") } == 6, "held for gone")
        let removed = try #require(try db.write { try Outbox.removeSink("gone", in: $0) })
        #expect(removed.pending == 4 && removed.dead == 2 && removed.compacted == 6)
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event") } == 0)
        #expect(try db.read { try Outbox.sinks(in: $0) } == ["kept"])
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_letter") } == 0)
        #expect(try db.write { try Outbox.removeSink("never-was", in: $0) } == nil)
        // Later events are compacted as soon as "kept" has them.
        try db.write { db in
            try Outbox.append(TestEvents.make(count: 2), in: db)
            try Outbox.settle(sink: "kept", round: try Outbox.nextBatch(for: "kept", limit: 10, in: db), dead: [], in: db)
            try Outbox.compact(in: db)
        }
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event") } == 0)
    }

    @Test func removingTheLastSinkKeepsTheEventsForTheNext() throws {
        let db = try GatewayDatabase()
        try db.write { db in
            try Outbox.register(sink: "only", in: db)
            try Outbox.append(TestEvents.make(count: 3), in: db)
        }
        let removed = try #require(try db.write { try Outbox.removeSink("only", in: $0) })
        #expect(removed.pending == 3 && removed.compacted == 0)
        try db.write { try Outbox.register(sink: "next", in: $0) }
        #expect(try db.read { try Outbox.nextBatch(for: "next", limit: 10, in: $0) }.map(\.seq) == [1, 2, 3])
    }

    @Test func deadLettersKeepTheResponseAndRetryQueuesThemAheadOfTheCursor() throws {
        let db = try GatewayDatabase()
        try db.write { db in
            try Outbox.register(sink: "a", in: db)
            try Outbox.append(TestEvents.make(count: 3), in: db)
        }
        let round = try db.read { try Outbox.nextBatch(for: "a", limit: 2, in: $0) }
        let why = DeadLetterReason(reason: "refused", responseStatus: 400, responseBody: "{\"error\":\"bad\"}")
        try db.write { try Outbox.settle(sink: "a", round: round, dead: round.map { ($0, why) }, in: $0) }
        let dead = try db.read { try Outbox.letters(sink: "a", state: "dead", in: $0) }
        #expect(dead.map(\.eventID) == ["e-000000", "e-000001"])
        #expect(dead[0].responseStatus == 400 && dead[0].responseBody == "{\"error\":\"bad\"}")
        #expect(try db.read { try Outbox.status(in: $0) }.first?.dead == 2)
        #expect(try db.write { try Outbox.retryDead(sink: "a", in: $0) } == 2)
        let again = try db.read { try Outbox.nextBatch(for: "a", limit: 10, in: $0) }
        #expect(again.map(\.seq) == [1, 2] && again.allSatisfy(\.isRedelivery))
        try db.write { try Outbox.settle(sink: "a", round: again, dead: [], in: $0) }
        #expect(try db.read { try Outbox.letters(in: $0) }.isEmpty)
        #expect(try db.read { try Outbox.nextBatch(for: "a", limit: 10, in: $0) }.map(\.seq) == [3])
    }

    @Test func erasingAShopperRemovesTheirEventsAndLettersAndTheSinkSkipsTheGap() throws {
        let db = try GatewayDatabase()
        // 14 events over shoppers 0–6: shopper-1's are e-000001 and e-000008.
        try db.write { db in
            try Outbox.register(sink: "a", in: db)
            try Outbox.append(TestEvents.make(count: 14), in: db)
        }
        let first = try db.read { try Outbox.nextBatch(for: "a", limit: 2, in: $0) }
        try db.write { try Outbox.settle(sink: "a", round: first, dead: [(first[1], DeadLetterReason(reason: "refused"))], in: $0) }
        #expect(try db.read { try Outbox.letters(in: $0) }.map(\.eventID) == ["e-000001"])
        #expect(try db.write { try Outbox.erase(anonymousID: "shopper-1", in: $0) } == 2)
        #expect(try db.read { try Outbox.eventCount(identity: "shopper-1", in: $0) } == 0)
        #expect(try db.read { try Outbox.letters(in: $0) }.isEmpty, "the dead letter of an erased event goes with it")
        #expect(try db.read { try Outbox.eventCount(identity: "shopper-2", in: $0) } == 2, "others are kept")
        let rest = try db.read { try Outbox.nextBatch(for: "a", limit: 20, in: $0) }
        #expect(rest.map(\.eventID) == (2..<14).filter { $0 != 8 }.map { String(format: "e-%06d", $0) })
    }

    @Test func purgeDeadDeletesTheLettersAndTheirEvents() throws {
        let db = try GatewayDatabase()
        try db.write { db in
            try Outbox.register(sink: "a", in: db)
            try Outbox.append(TestEvents.make(count: 2), in: db)
        }
        let round = try db.read { try Outbox.nextBatch(for: "a", limit: 10, in: $0) }
        try db.write { try Outbox.settle(sink: "a", round: round, dead: [(round[0], DeadLetterReason(reason: "too big"))], in: $0) }
        #expect(try db.write { try Outbox.purgeDead(in: $0) } == 1)
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox_event") } == 0)
        #expect(try db.read { try Outbox.lastSequence(in: $0) } == 2)
    }
}
