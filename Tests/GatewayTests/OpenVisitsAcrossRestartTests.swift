import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Gateway
import Logging
import Pipeline
import Presence
import ServiceLifecycle
import Simulation
import Storage
import Testing

/// A visit in progress when the daemon stops carries on when it starts again (audit: a restart
/// left every open visit without its `store.exited` and counted the rest of it as a new visit).
/// The daemon's pipeline service, in process, on a real database, stopped as SIGTERM stops it.
@Suite struct OpenVisitsAcrossRestartTests {
    /// Runs the pipeline service on `data` over `inputs`, then stops it gracefully (which drains
    /// what was sent: nothing depends on timing).
    static func run(_ inputs: [PipelineInput], data: GatewayData, configuration: StoreConfiguration) async throws {
        try await LiveErasureTests.running(data: data, configuration: configuration) { bus in
            for input in inputs { bus.send(input) }
        }
    }

    /// The demo store with every visit's events delivered, and one member of staff simulated in
    /// it for `minutes`, nobody else.
    static func oneInTheStore(minutes: Double) throws -> (StoreConfiguration, [Observation]) {
        var configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.identity.anonymousEvents = true
        var settings = StoreSimulatorSettings.make(minutes: minutes, shoppers: 0, seed: 5)
        settings.staff = 1
        var observations: [Observation] = []
        StoreSimulator(layout: configuration.layout, settings: settings).run(observation: { observations.append($0) }, truth: { _ in })
        return (configuration, observations)
    }

    @Test func aVisitOpenAtAStopCarriesOnAsOneVisitAfterTheStart() async throws {
        let directory = Fixtures.temporaryDirectory("open-visits")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (configuration, observations) = try Self.oneInTheStore(minutes: 10)
        #expect(Set(observations.map(\.device)).count == 1)
        let split = try #require(observations.first).time + 300
        let data = try GatewayData(directory: directory.path)
        try await data.database.registerSink("receiver")
        // Stopped five minutes in, started again at once with the rest.
        try await Self.run([.observations(observations.filter { $0.time < split })], data: data, configuration: configuration)
        let open = try data.database.outboxStatusAndLastSequence().lastSequence
        #expect(open > 0, "the visit began before the stop")
        // A start and a stop with no observation between (the sensors quiet): what was taken
        // back is kept again, not lost.
        try await Self.run([.tick(split - 1)], data: data, configuration: configuration)
        let last = try #require(observations.last).time
        try await Self.run(
            [.observations(observations.filter { $0.time >= split }), .tick(last + configuration.presence.exitAfter + 60)],
            data: data, configuration: configuration)
        let events = try data.database.pending(for: "receiver", limit: 10_000).map(\.body)
        let entered = events.filter { $0.contains(#""type":"store.entered""#) }
        let exited = events.filter { $0.contains(#""type":"store.exited""#) }
        #expect(entered.count == 1, "\(entered)")
        #expect(exited.count == 1, "\(exited)")
        // The exit's visit is the entry's, and lasted from the first minutes to the last.
        func visitID(_ line: String) -> String? {
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["visit_id"] as? String
        }
        #expect(entered.first.flatMap(visitID) != nil && entered.first.flatMap(visitID) == exited.first.flatMap(visitID))
        let duration = exited.first.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["visit_duration_seconds"] as? Double }
        #expect((duration ?? 0) > 500, "\(String(describing: duration))")
        let ids = events.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String }
        #expect(Set(ids).count == ids.count, "no two events share an id across the restart")
        let visitors = try await data.database.analyticsCounts(from: 0, to: .infinity).filter { $0.metric == .visitors && $0.zone.isEmpty }.map(\.value).reduce(0, +)
        #expect(visitors == 1)
        // Taken back once: nothing is kept after a stop with no visit open.
        #expect(try data.database.takeState("open_visits") == nil)
    }

    /// Started again after the shopper has gone (a gateway down for longer than `exit_after`),
    /// the kept visit ends at once, dated when its shopper was last inside.
    @Test func aVisitKeptAcrossALongStopEndsWhenItsShopperWasLastInside() async throws {
        let directory = Fixtures.temporaryDirectory("open-visits-gone")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (configuration, observations) = try Self.oneInTheStore(minutes: 5)
        let data = try GatewayData(directory: directory.path)
        try await data.database.registerSink("receiver")
        try await Self.run([.observations(observations)], data: data, configuration: configuration)
        let last = try #require(observations.last).time
        // An hour later: the wall clock's ticks, nobody heard.
        try await Self.run([.tick(last + 3_600), .tick(last + 3_601)], data: data, configuration: configuration)
        let events = try data.database.pending(for: "receiver", limit: 10_000).map(\.body)
        let exited = try #require(events.first { $0.contains(#""type":"store.exited""#) })
        let end = (try JSONSerialization.jsonObject(with: Data(exited.utf8)) as? [String: Any])?["occurred_at"] as? String
        let endTime = try #require(end.flatMap(RFC3339.parse))
        #expect(endTime <= last && endTime > last - 30, "\(exited)")
    }
}

extension OpenVisitsAcrossRestartTests {
    /// An erasure request for a shopper whose first visit is still in progress at a stop: their
    /// events in the outbox (with their pseudonym) and the visit kept for the next start go, so
    /// that the next start sends nothing more of them (`visits erase` had found no completed
    /// visit and removed nothing). `visits show` says what is held first.
    @Test func erasingAShopperWhoseVisitIsInProgressRemovesItsEventsAndTheKeptVisit() async throws {
        let directory = Fixtures.temporaryDirectory("erase-open")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A loyalty-app shopper (identified: their history and events carry their pseudonym)
        // heard alone, stopped halfway through what was heard of them.
        let (configuration, device, observations, split) = try LiveErasureTests.oneShopper()
        let data = try GatewayData(directory: directory.path)
        try await data.database.registerSink("receiver")
        try await Self.run([.observations(observations.filter { $0.time < split })], data: data, configuration: configuration)
        let identity = Pseudonymizer(key: data.key).identityKey(for: device)
        #expect(try data.database.keptEventCount(identity: identity) > 0, "the visit's first events are in the outbox")
        #expect(try data.database.visits(of: identity, since: -.infinity).isEmpty, "no visit has ended")

        // Named as the operator may type it: the beacon's UUID in capitals is the same device.
        let typed = device.rawValue.uppercased()
        let show = try await FootfallProcess.run(["visits", "show", "--data", directory.path, "--device", typed])
        #expect(show.status == 0, "\(show.standardError)")
        #expect(show.standardOutput.contains("is \(identity): 0 visits on record,"), "\(show.standardOutput)")
        #expect(show.standardOutput.contains("kept at the daemon's last stop: 1 visit in progress"), "\(show.standardOutput)")
        // The retailer names the shopper by the customer id their events carried (here given to
        // one more event, as an identity map gives it): a customer id with events in the
        // outbox is not taken for a pseudonym of its own (it erased nothing).
        var tagged = PresenceEvent(id: "e-customer", type: .zoneEntered, occurredAt: split, storeID: configuration.layout.id, gatewayID: "gw")
        tagged.anonymousID = identity
        tagged.customerID = "cust-9"
        try data.database.append([tagged], appendedAt: split)
        let byCustomer = try await FootfallProcess.run(["visits", "show", "--data", directory.path, "--device", "cust-9"])
        #expect(byCustomer.standardOutput.hasPrefix("cust-9 (customer_id) is \(identity):"), "\(byCustomer.standardOutput)\(byCustomer.standardError)")
        let erase = try await FootfallProcess.run(["visits", "erase", "--data", directory.path, "--device", "cust-9"])
        #expect(erase.status == 0, "\(erase.standardError)")
        #expect(erase.standardOutput.contains("erased 1 visit in progress"), "\(erase.standardOutput)")
        #expect(try data.database.keptEventCount(identity: identity) == 0)
        #expect(try data.database.keptEventCount(identity: "cust-9") == 0)
        // Gone from the files too, not left in free pages or the write-ahead log.
        for file in ["gateway.sqlite", "gateway.sqlite-wal"] {
            let bytes = (try? Data(contentsOf: directory.appendingPathComponent(file))) ?? Data()
            #expect(bytes.range(of: Data("cust-9".utf8)) == nil, "\(file) still holds the erased customer id")
        }

        // Started again with the rest of the visit: the erased one is not carried on; what comes
        // is a new visit of its own, entered anew.
        let last = try #require(observations.last).time
        try await Self.run(
            [.observations(observations.filter { $0.time >= split }), .tick(last + configuration.presence.exitAfter + 60)],
            data: data, configuration: configuration)
        let events = try data.database.pending(for: "receiver", limit: 10_000).map(\.body)
        #expect(events.filter { $0.contains(#""type":"store.entered""#) }.count == 1, "\(events)")
        #expect(events.filter { $0.contains(#""type":"store.exited""#) }.count == 1, "\(events)")
    }
}
