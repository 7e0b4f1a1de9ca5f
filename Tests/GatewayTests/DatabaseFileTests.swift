import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Storage
import Testing

/// The database file deleted under a running gateway (a clean-up script, a mistaken `rm`): the
/// gateway carried on writing into the file it had open, said nothing, and the outbox, the
/// visit history and the kept visits went with the process (audit). It stops, and saves what the
/// file held back in its place for the next start.
@Suite struct DatabaseFileTests {
    @Test func aDatabaseDeletedUnderTheGatewayIsSavedBackAndTheGatewayStops() async throws {
        let store = try DaemonSourceTests.store(sources: "  - type: simulate\n    shoppers_per_hour: 3000\n    speed: 10\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await DaemonSourceTests.start(store)
        defer { daemon.kill() }
        let database = (store.data as NSString).appendingPathComponent("gateway.sqlite")
        // Events stored first: the outbox has something to lose.
        try #require(try await waitUntil {
            let metrics = try await client.get("/metrics").body
            return metrics.contains("footfall_events_total{type=\"store.entered\"}") && !metrics.contains("footfall_events_total{type=\"store.entered\"} 0")
        }, "\(daemon.log)")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        #expect(await onAThreadOfItsOwn { daemon.process.waitUntilExit(timeout: .seconds(300)) }, "\(daemon.log)")
        #expect(daemon.process.terminationStatus == 1)
        #expect(daemon.log.contains("gateway.sqlite was deleted while the gateway had it open; its contents (outbox, visit history, kept visits) are saved back as"), "\(daemon.log)")
        let saved = try GatewayDatabase(path: database)
        let appended = try saved.outboxStatusAndLastSequence().lastSequence
        #expect(appended > 0, "the events stored before the deletion are back")
    }

    /// The key with no database beside it at a start: the database of an earlier run is missing,
    /// said, not made anew in silence.
    @Test func aKeyWithoutItsDatabaseIsSaidAtTheStart() throws {
        let directory = Fixtures.temporaryDirectory("data-missing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try GatewayData(directory: directory.path)
        #expect(first.warnings.isEmpty)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory.appendingPathComponent("gateway.sqlite" + suffix).path) }
        let second = try GatewayData(directory: directory.path)
        #expect(second.warnings.count == 1 && second.warnings[0].contains("gateway.sqlite is not: the database of an earlier run"), "\(second.warnings)")
    }
}
