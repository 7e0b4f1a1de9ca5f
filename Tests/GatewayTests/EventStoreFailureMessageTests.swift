import FootfallCore
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

/// The daemon's line about readings that came too late names the sensors they came from.
@Suite struct LateReadingsLineTests {
    @Test func theSensorsWhoseReadingsCameLateAreNamedMostFirst() {
        #expect(PipelineService.lateBySensor(["s3": 846, "s5": 468, "s1": 2]) == "s3 846, s5 468, s1 2")
        let many = Dictionary(uniqueKeysWithValues: (1...7).map { (SensorID("s\($0)"), $0) })
        #expect(PipelineService.lateBySensor(many) == "s7 7, s6 6, s5 5, s4 4, s3 3 and 2 more")
        // A sensor named like an address (a swapped column) is masked as every log line masks it.
        #expect(!PipelineService.lateBySensor(["AA:BB:CC:DD:EE:FF": 1]).contains("AA:BB:CC:DD:EE:FF"))
    }
}
