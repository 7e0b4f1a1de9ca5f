import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import GRDB
import MetricsTestKit
@testable import Storage
import Testing

@Suite struct StorageFailureTests {
    func openFile(_ directory: URL) throws -> GatewayDatabase {
        try GatewayDatabase(path: directory.appendingPathComponent("gateway.sqlite").path, durability: .normal)
    }

    @Test func aFullDatabaseFailsTheAppendLoudlyAndKeepsWhatWasAccepted() throws {
        let directory = Fixtures.temporaryDirectory("outbox-full")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try openFile(directory)
        let metrics = TestMetrics()
        let health = ForwardingHealth()
        let writer = OutboxWriter(database: database, health: health, logger: DeliveryHarness.quiet, metricsFactory: metrics)
        try writer.append(TestEvents.make(count: 10), appendedAt: Timing.live.now())
        // No page may be added any more: the next large append finds the disk "full".
        try database.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let error = #expect(throws: OutboxError.self) { try writer.append(TestEvents.make(count: 2000, from: 10), appendedAt: Timing.live.now()) }
        let message = try #require(error).description
        #expect(!message.contains("\n"))
        #expect(message.contains("cannot append 2000 events") && message.contains("full"), "\(message)")
        #expect(metrics.counterTotal(label: "footfall_outbox_storage_errors_total") == 1)
        guard case .failing = health.overall else {
            Issue.record("health is \(health.overall)")
            return
        }
        #expect(try database.keptEventCount() == 10)
    }

    @Test func aReadOnlyDatabaseStopsAcknowledgementsButNoEventIsLostAndDeliveryResumes() async throws {
        let directory = Fixtures.temporaryDirectory("outbox-readonly")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try openFile(directory)
        let receiver = try await HTTPReceiver.start()
        let events = TestEvents.make(count: 20)
        try await database.registerSink("cloudevents")
        try database.append(events, appendedAt: Timing.live.now())
        try await database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 1") }

        let metrics = TestMetrics()
        let health = ForwardingHealth()
        let writer = OutboxWriter(database: database, health: health, logger: DeliveryHarness.quiet, metricsFactory: metrics)
        let error = #expect(throws: OutboxError.self) { try writer.append(TestEvents.make(count: 1, from: 20), appendedAt: Timing.live.now()) }
        #expect(error?.description.contains("read-only") == true, "\(String(describing: error))")

        let timing = Timing(sleep: { _ in try await Task.sleep(for: .milliseconds(2)) }, random: { 1 }, now: { Date().timeIntervalSince1970 })
        let forwarder = Forwarder(
            database: database, sinks: [DeliveryHarness.cloudEventsSink(receiver.url)], timing: timing, health: health,
            logger: DeliveryHarness.quiet, metricsFactory: metrics)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        #expect(await receiver.wait { Received.events($0.map(\.body)).count >= 40 }, "the batch is sent again while its receipt cannot be stored")
        guard case .failing(let reason) = health.status(of: "outbox") else {
            Issue.record("outbox health is \(health.status(of: "outbox"))")
            return
        }
        #expect(reason.contains("read-only"))
        #expect(metrics.counterTotal(label: "footfall_outbox_storage_errors_total") >= 1)
        #expect(try await database.outboxStatus().first?.pending == 20, "nothing accepted was dropped")

        try await database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 0") }
        _ = try await waitUntil { try await database.outboxStatus().first?.pending == 0 && health.status(of: "outbox") == .ok }
        #expect(try await database.outboxStatus().first?.pending == 0)
        #expect(health.status(of: "outbox") == .ok)
        // Every event arrived; the repeats carry the same ids.
        #expect(Set(receivedIDs(receiver)) == Set(events.map(\.id)))
        task.cancel()
        try await receiver.stop()
    }
}
