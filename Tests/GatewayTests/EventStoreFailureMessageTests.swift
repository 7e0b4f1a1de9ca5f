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

/// A step of the gateway's wall clock is told from time passing, and said (audit: a step forward
/// of 300 s split every visit in progress without a word).
@Suite struct ClockStepTests {
    @Test func aStepOfTheWallClockIsToldFromTimePassing() {
        var detector = ClockStepDetector()
        #expect(detector.check(wall: 1_000, elapsed: 50) == nil)
        #expect(detector.check(wall: 1_001.002, elapsed: 51) == nil, "a second's tick with its drift")
        #expect(abs((detector.check(wall: 1_302, elapsed: 52) ?? 0) - 299.998) < 1e-6, "stepped forward")
        #expect(detector.check(wall: 1_003, elapsed: 53) == -300, "stepped back")
        #expect(detector.check(wall: 1_004, elapsed: 54) == nil)
        // A stall of the process (the tick late by a minute) moves both clocks alike.
        #expect(detector.check(wall: 1_064, elapsed: 114) == nil)
        #expect(ClockStepDetector.message(300).hasPrefix("the system clock was stepped forward by 300 s"))
        #expect(ClockStepDetector.message(-300).hasPrefix("the system clock was stepped back by 300 s"))
    }
}
