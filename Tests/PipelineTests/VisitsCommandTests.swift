import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// `footfall visits show|erase` through the real binary, named as the retailer names a shopper:
/// by what their events carried. A replay with `--data` keeps its visit history as the daemon
/// does, so its events are what a profile store would have received.
@Suite struct VisitsCommandTests {
    /// Read-only once made, so one copy serves every test.
    struct ReplayFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "the replay the tests share failed: \(message)" }
    }

    struct Replayed: @unchecked Sendable {
        var directory: URL
        var config: String
        var data: String
        var events: [[String: Any]]
    }

    /// The replay below, made once on a thread of its own (seconds of simulation on one of the
    /// run's cooperative threads would starve the tests waiting on sockets); each test works on
    /// a copy of its folder (erasing changes it).
    static let shared = OnItsOwnThread<Result<Replayed, any Error>> { Result { try makeReplay() } }

    static func replay() async throws -> Replayed {
        let original = try await shared.value.get()
        let copy = Fixtures.temporaryDirectory("visits")
        try FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: original.directory, to: copy)
        func moved(_ path: String) -> String { copy.path + path.dropFirst(original.directory.path.count) }
        return Replayed(directory: copy, config: moved(original.config), data: moved(original.data), events: original.events)
    }

    /// A quarter of an hour of the demo store with most phones on the loyalty app, one loyalty beacon
    /// given the customer id `customer-42` in an identity map, replayed into a data directory.
    static func makeReplay() throws -> Replayed {
        var settings = StoreSimulatorSettings.make(minutes: 15, shoppers: 120, seed: 23)
        settings.loyaltyShare = 0.8
        let layout = try StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout
        let files = try StoreSimulatorSettings.write(settings, layout: layout)
        let beacons = try TraceReader(path: files.trace).readAll().map(\.device.rawValue).filter { $0.hasPrefix("ibeacon:") }
        // The beacon heard most: a shopper who surely finished a visit.
        let counts = Dictionary(beacons.map { ($0, 1) }, uniquingKeysWith: +)
        guard let customer = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key else {
            throw ReplayFailed(message: "the simulated trace has no loyalty beacon")
        }
        try "device,customer_id\n\(customer),customer-42\n".write(
            to: files.directory.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
        let demo = try String(contentsOfFile: Fixtures.store("demo-store").path, encoding: .utf8)
        let config = files.directory.appendingPathComponent("store.yaml").path
        try demo.replacingOccurrences(of: "  retention_days: 400\n", with: "  retention_days: 400\n  identity_map: customers.csv\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let data = files.directory.appendingPathComponent("data").path
        let events = files.directory.appendingPathComponent("events.jsonl").path
        let replay = try FootfallProcess.runBlocking(["replay", files.trace, "--store", config, "--data", data, "--events", events])
        guard replay.status == 0 else { throw ReplayFailed(message: replay.standardError) }
        // The recording is not needed again: only the data directory, store file and events
        // are kept (and copied for each test).
        try? FileManager.default.removeItem(atPath: files.trace)
        try? FileManager.default.removeItem(atPath: files.truth)
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        return Replayed(
            directory: files.directory, config: config, data: data,
            events: lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
    }

    @Test func anEventsAnonymousIDShowsAndErasesThatShoppersVisits() async throws {
        let replayed = try await Self.replay()
        defer { try? FileManager.default.removeItem(at: replayed.directory) }
        // A finished visit of an identified shopper: its anonymous_id keys the history.
        let exited = try #require(replayed.events.first { $0["type"] as? String == "store.exited" && $0["customer_id"] == nil })
        let id = try #require(exited["anonymous_id"] as? String)
        let visits = replayed.events.filter { $0["type"] as? String == "store.exited" && $0["anonymous_id"] as? String == id }.count

        let show = try await FootfallProcess.run(["visits", "show", "--data", replayed.data, "--device", id])
        #expect(show.status == 0, "\(show.standardError)")
        #expect(show.standardOutput.hasPrefix("\(id) (anonymous_id) is \(id): \(visits) visit\(visits == 1 ? "" : "s") on record"), "\(show.standardOutput)")

        let erase = try await FootfallProcess.run(["visits", "erase", "--data", replayed.data, "--device", id])
        #expect(erase.status == 0, "\(erase.standardError)")
        #expect(erase.standardOutput.contains("erased \(visits) visit\(visits == 1 ? "" : "s") of \(id)"), "\(erase.standardOutput)")
        // Its events still in the outbox (a replay keeps none; the daemon's until compacted)
        // go too, and it says how many (OutboxTests has them removed).
        #expect(erase.standardOutput.contains("and 0 events from the outbox"), "\(erase.standardOutput)")
        // Erased: the same id now matches nothing, and says so.
        let again = try await FootfallProcess.run(["visits", "show", "--data", replayed.data, "--device", id])
        #expect(again.status != 0)
        #expect(again.standardError.contains("nothing held"), "\(again.standardError)")
    }

    @Test func anEventsCustomerIDFindsTheVisitsThroughTheIdentityMapOfConfig() async throws {
        let replayed = try await Self.replay()
        defer { try? FileManager.default.removeItem(at: replayed.directory) }
        let exits = replayed.events.filter { $0["type"] as? String == "store.exited" && $0["customer_id"] as? String == "customer-42" }
        #expect(!exits.isEmpty, "the mapped beacon finished a visit")
        let show = try await FootfallProcess.run(["visits", "show", "--config", replayed.config, "--data", replayed.data, "--device", "customer-42"])
        #expect(show.status == 0, "\(show.standardError)")
        let pseudonym = try #require(exits.first?["anonymous_id"] as? String)
        #expect(show.standardOutput.hasPrefix("customer-42 (customer_id) is \(pseudonym): \(exits.count) visit\(exits.count == 1 ? "" : "s") on record"), "\(show.standardOutput)")
        let erase = try await FootfallProcess.run(["visits", "erase", "--config", replayed.config, "--data", replayed.data, "--device", "customer-42"])
        #expect(erase.status == 0, "\(erase.standardError)")
        #expect(erase.standardOutput.contains("erased \(exits.count) visit\(exits.count == 1 ? "" : "s") of customer-42 (customer_id"), "\(erase.standardOutput)")
    }

    @Test func anIDThatMatchesNothingSaysSoAndExitsNonZero() async throws {
        let replayed = try await Self.replay()
        defer { try? FileManager.default.removeItem(at: replayed.directory) }
        let nobody = try await FootfallProcess.run(["visits", "erase", "--data", replayed.data, "--device", "id-000000000000000000000000"])
        #expect(nobody.status != 0)
        #expect(nobody.standardError.contains("nothing held"), "\(nobody.standardError)")
        #expect(nobody.standardError.contains("--config"), "says where customer ids are looked up: \(nobody.standardError)")
        #expect(nobody.standardError.split(separator: "\n").count == 1)
        // An unidentified shopper's daily pseudonym: the gateway never kept their visits.
        let anonymous = replayed.events.compactMap { $0["anonymous_id"] as? String }.first { $0.hasPrefix("anon-") } ?? "anon-0123456789abcdef01234567"
        let unidentified = try await FootfallProcess.run(["visits", "show", "--data", replayed.data, "--device", anonymous])
        #expect(unidentified.status != 0)
        #expect(unidentified.standardError.contains("not identified"), "\(unidentified.standardError)")
    }
}

extension VisitsCommandTests {
    /// `outbox` and `visits` take `--config` and `--data` as `footfall run` does, so one command
    /// line serves them all.
    @Test func outboxAndVisitsTakeTheConfigAndDataThatRunTakes() async throws {
        let replayed = try await Self.replay()
        defer { try? FileManager.default.removeItem(at: replayed.directory) }
        let status = try await FootfallProcess.run(["outbox", "status", "--config", replayed.config, "--data", replayed.data])
        #expect(status.status == 0, "\(status.standardError)")
        #expect(status.standardOutput.contains("jsonl: in \(replayed.config), has not run yet"), "\(status.standardOutput)")
        let prune = try await FootfallProcess.run(["visits", "prune", "--config", replayed.config, "--data", replayed.data, "--now", "0"])
        #expect(prune.status == 0, "\(prune.standardError)")
        #expect(prune.standardOutput.hasPrefix("deleted 0 visits"), "\(prune.standardOutput)")
        let none = try await FootfallProcess.run(["visits", "prune", "--data", replayed.data])
        #expect(none.status != 0)
        #expect(none.standardError.contains("give --config"), "\(none.standardError)")
        // A time that is no time now (a typo, milliseconds) would delete the whole history.
        for typo in ["1e300", "1767603600000000", "nan", "-5"] {
            let pruned = try await FootfallProcess.run(["visits", "prune", "--config", replayed.config, "--data", replayed.data, "--now", typo])
            #expect(pruned.status != 0 && pruned.standardError.contains("is not a time from 1970 to 9999"), "\(typo): \(pruned.standardError)")
        }
    }
}
