import Testing

@testable import Gateway

/// What a failed commit of the event store says it was storing: the counts it had, not
/// "0 events and 0 visits" for a round that decided no event (only its visit counts).
@Suite struct EventStoreFailureMessageTests {
    @Test func aFailedCommitSaysWhatItWasStoring() {
        #expect(DatabaseEventStore.operation(events: 3, visits: 1) == "store 3 events and 1 visit")
        #expect(DatabaseEventStore.operation(events: 1, visits: 0) == "store 1 event")
        #expect(DatabaseEventStore.operation(events: 0, visits: 2) == "store 2 visits")
        #expect(DatabaseEventStore.operation(events: 0, visits: 0) == "store the visit counts")
    }
}
