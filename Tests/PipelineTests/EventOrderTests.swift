import FootfallCore
import FootfallTesting
import Foundation
import Pipeline
import Simulation
import Testing

/// Issue #16: the demo store's seed-7 hour (`footfall simulate --store demo-store --hours 1
/// --shoppers-per-hour 300 --seed 7`) through the one pipeline, as `footfall replay` runs it,
/// with every shopper's events on (`identity.anonymous_events: true`). Before the fix, 209
/// pairs of a visit's events ran backwards and 81 dwells were told of stays that turned out
/// shorter than their threshold.
@Suite struct EventOrderTests {
    /// The events in the order the pipeline made them (the outbox's order), by visit.
    static let visits = OnItsOwnThread<[String: [PresenceEvent]]> {
        var configuration = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.identity.anonymousEvents = true
        var settings = StoreSimulator.Settings()
        settings.hours = 1
        settings.shoppersPerHour = 300
        settings.seed = 7
        var pipeline = try! Pipeline(configuration: configuration)
        var outputs: [Pipeline.Output] = []
        var visits: [String: [PresenceEvent]] = [:]
        func drain() {
            for case .event(let event, _, _, _, _) in outputs {
                if let visit = event.visitID { visits[visit, default: []].append(event) }
            }
            outputs.removeAll(keepingCapacity: true)
        }
        StoreSimulator(layout: configuration.layout, settings: settings).run(
            observation: { observation in
                try! pipeline.ingest(observation, into: &outputs)
                if outputs.count > 1_000 { drain() }
            },
            truth: { _ in })
        try! pipeline.finish(into: &outputs)
        drain()
        return visits
    }

    @Test func theSeedSevenHourHasEnoughVisitsAndDwellsToJudge() async {
        let visits = await Self.visits.value
        #expect(visits.count >= 300)
        #expect(visits.values.joined().filter { $0.type == .zoneDwell }.count >= 500)
    }

    @Test func occurredAtNeverRunsBackwardsWithinAVisit() async {
        var backwards: [String] = []
        for events in await Self.visits.value.values {
            for (a, b) in zip(events, events.dropFirst()) where b.occurredAt < a.occurredAt {
                backwards.append("\(a.type.rawValue) \(a.zone ?? "") \(RFC3339.string(a.occurredAt)) → \(b.type.rawValue) \(b.zone ?? "") \(RFC3339.string(b.occurredAt))")
            }
        }
        #expect(backwards.isEmpty, "\(backwards.count) pairs run backwards, e.g. \(backwards.prefix(3))")
    }

    @Test func noDwellIsFollowedByAStayShorterThanItsThreshold() async {
        var contradicted: [String] = []
        for events in await Self.visits.value.values {
            var told: [String: Double] = [:]
            for event in events {
                guard let zone = event.zone, let seconds = event.dwellSeconds else { continue }
                if event.type == .zoneDwell { told[zone] = seconds }
                if event.type == .zoneExited, let threshold = told.removeValue(forKey: zone), seconds < threshold {
                    contradicted.append("\(zone): dwell \(threshold) s, then exited after \(seconds) s at \(RFC3339.string(event.occurredAt))")
                }
            }
        }
        #expect(contradicted.isEmpty, "\(contradicted.count) dwells contradicted, e.g. \(contradicted.prefix(3))")
    }

    @Test func everyVisitEndsWithItsStoreExitedAndNothingOfItIsDatedLater() async {
        for events in await Self.visits.value.values {
            #expect(events.first?.type == .storeEntered)
            #expect(events.last?.type == .storeExited)
            if let end = events.last?.occurredAt { #expect(events.allSatisfy { $0.occurredAt <= end }) }
        }
    }

    @Test func everyEventHasAnIdOfItsOwn() async {
        let events = await Self.visits.value.values.joined()
        #expect(Set(events.map(\.id)).count == events.count)
    }
}
