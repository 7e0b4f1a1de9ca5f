import FootfallCore
import Forwarding
import Gateway
import Logging
import Pipeline
import Presence
import Storage
import Testing

/// The daemon's event store applies a batch of the pipeline's outputs in one transaction, in
/// their order: the frequencies it gives are those a replay gives in memory.
@Suite struct DatabaseEventStoreTests {
    static let day = 86_400.0
    static let start = 1_800_000_000.0

    static func entered(_ id: String, at time: Double) -> PresenceEvent {
        var event = PresenceEvent(id: id, type: .storeEntered, occurredAt: time, storeID: "box", gatewayID: "gw")
        event.anonymousID = "id-x"
        return event
    }

    @Test func aStoreEnteredCountsTheVisitThatEndedEarlierInItsOwnBatchAsAReplayDoes() async throws {
        let database = try GatewayDatabase()
        let store = DatabaseEventStore(database: database, health: ForwardingHealth(), logger: Logger(label: "test"))
        let earlier = VisitRecord(identity: "id-x", start: Self.start - 2 * Self.day, end: Self.start - 2 * Self.day + 600)
        try database.recordVisit(earlier)
        let query = VisitHistoryQuery(identity: "id-x", since: Self.start - 30 * Self.day)
        let outputs: [Pipeline.Output] = [
            .event(Self.entered("e-1", at: Self.start - Self.day), device: nil, deliverable: true, decidedAt: Self.start - Self.day, history: query),
            .visitEnded(VisitRecord(identity: "id-x", start: Self.start - Self.day, end: Self.start - Self.day + 900)),
            .event(Self.entered("e-2", at: Self.start), device: nil, deliverable: true, decidedAt: Self.start, history: query),
        ]
        let applied = try await store.commit(outputs, engagedAfter: 120)

        let memory = InMemoryVisitHistory()
        try memory.record(earlier)
        var replayed = outputs
        try Pipeline.apply(history: memory, to: &replayed)
        #expect(applied == replayed)
        let visitNumbers = applied.compactMap { if case .event(let event, _, _, _, nil) = $0 { event.visitNumber } else { nil } }
        #expect(visitNumbers == [2, 3], "the second counts the visit that ended a moment before, in the same batch")
        #expect(try database.visitCount() == 2)
        // The filled events are the ones in the outbox.
        try await database.registerSink("a")
        let events = applied.compactMap { if case .event(let event, _, _, _, _) = $0 { event.jsonLine() } else { nil } }
        #expect(try await database.nextBatch(for: "a", limit: 10).map(\.body) == events)
    }

    @Test func aBatchOfPositionsOnlyWritesNothing() async throws {
        let database = try GatewayDatabase()
        let store = DatabaseEventStore(database: database, health: ForwardingHealth(), logger: Logger(label: "test"))
        let estimate = PositionEstimate(time: Self.start, device: "ble:c0:00:00:00:00:01", position: Point(x: 1, y: 2), uncertainty: 1, zone: nil)
        #expect(try await store.commit([.position(estimate)], engagedAfter: 120) == [.position(estimate)])
        #expect(try database.lastSequence() == 0)
        #expect(try await database.analyticsCounts(from: 0, to: .infinity).isEmpty)
    }
}
