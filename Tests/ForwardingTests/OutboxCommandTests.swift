import FootfallCore
import FootfallTesting
import Foundation
import Storage
import Testing

/// `footfall outbox …` through the real binary, on a database this test prepares.
@Suite struct OutboxCommandTests {
    func prepare(_ directory: URL) throws -> String {
        let path = directory.appendingPathComponent("gateway.sqlite").path
        let database = try GatewayDatabase(path: path)
        try database.registerSink("cloudevents")
        try database.append(TestEvents.make(count: 5), appendedAt: Timing.live.now())
        let round = try database.nextBatch(for: "cloudevents", limit: 2)
        let why = DeadLetterReason(reason: "the receiver refused the batch with HTTP 400", responseStatus: 400, responseBody: "{\"error\":\"no such field\"}")
        try database.settle(sink: "cloudevents", round: round, dead: round.map { ($0, why) }, at: Timing.live.now())
        return path
    }

    @Test func statusListRetryAndPurgeDeadShowAndRepairTheQueue() async throws {
        let directory = Fixtures.temporaryDirectory("outbox-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try prepare(directory)

        let status = try await FootfallProcess.run(["outbox", "status", "--db", db])
        #expect(status.status == 0, "\(status.standardError)")
        #expect(status.standardOutput.contains("cloudevents: pending 3, dead 2"), "\(status.standardOutput)")

        let dead = try await FootfallProcess.run(["outbox", "list", "--db", db, "--state", "dead"])
        let deadLines = dead.standardOutput.split(separator: "\n")
        #expect(deadLines.count == 2)
        #expect(deadLines.first?.contains("e-000000") == true && deadLines.first?.contains("HTTP 400") == true)
        #expect(deadLines.first?.contains("no such field") == true)

        let pending = try await FootfallProcess.run(["outbox", "list", "--db", db, "--sink", "cloudevents"])
        #expect(pending.standardOutput.split(separator: "\n").map { $0.split(separator: "\t")[2] } == ["e-000002", "e-000003", "e-000004"])

        let retry = try await FootfallProcess.run(["outbox", "retry", "--db", db, "--sink", "cloudevents"])
        #expect(retry.standardOutput.contains("2 dead events queued again"))
        await #expect(try FootfallProcess.run(["outbox", "status", "--db", db]).standardOutput.contains("cloudevents: pending 5, dead 0"))

        let nothing = try await FootfallProcess.run(["outbox", "purge-dead", "--db", db])
        #expect(nothing.standardOutput.contains("0 dead events deleted"))

        // A sink name mistyped lists and queues nothing: said, not silent.
        for command in [["list"], ["list", "--state", "dead"], ["retry"], ["purge-dead"]] {
            let typo = try await FootfallProcess.run(["outbox"] + command + ["--db", db, "--sink", "cloudevent"])
            #expect(typo.status != 0, "\(command)")
            #expect(typo.standardError.split(separator: "\n").count == 1, "\(typo.standardError)")
            #expect(typo.standardError.contains("no sink 'cloudevent' in \(db); the outbox knows: cloudevents"), "\(typo.standardError)")
        }
    }

    @Test func purgeDeadDeletesTheDeadLetters() async throws {
        let directory = Fixtures.temporaryDirectory("outbox-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try prepare(directory)
        let purge = try await FootfallProcess.run(["outbox", "purge-dead", "--db", db])
        #expect(purge.standardOutput.contains("2 dead events deleted"))
        await #expect(try FootfallProcess.run(["outbox", "status", "--db", db]).standardOutput.contains("cloudevents: pending 3, dead 0"))
    }

    @Test func removeSinkForgetsASinkAndNamesTheKnownOnesWhenItIsNotThere() async throws {
        let directory = Fixtures.temporaryDirectory("outbox-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try prepare(directory)
        let unknown = try await FootfallProcess.run(["outbox", "remove-sink", "segment", "--db", db])
        #expect(unknown.status != 0)
        #expect(unknown.standardError.split(separator: "\n").count == 1, "\(unknown.standardError)")
        #expect(unknown.standardError.contains("no sink 'segment'") && unknown.standardError.contains("knows: cloudevents"))
        // Still in the store file: it would be registered again and sent everything kept anew.
        let store = try KillTests.storeFile(in: directory, receiver: "http://127.0.0.1:9")
        let listed = try await FootfallProcess.run(["outbox", "remove-sink", "cloudevents", "--db", db, "--config", store.path])
        #expect(listed.status != 0 && listed.standardError.contains("still lists sink 'cloudevents'"), "\(listed.standardError)")
        let removed = try await FootfallProcess.run(["outbox", "remove-sink", "cloudevents", "--db", db])
        #expect(removed.status == 0, "\(removed.standardError)")
        #expect(removed.standardOutput.contains("removed sink cloudevents: 3 pending and 2 dead events no longer kept for it"), "\(removed.standardOutput)")
        await #expect(try FootfallProcess.run(["outbox", "status", "--db", db]).standardOutput.contains("no sink has run yet"))
    }

    @Test func aMissingDatabaseIsOneLineAndANonZeroExit() async throws {
        let result = try await FootfallProcess.run(["outbox", "status", "--db", "/nonexistent/gateway.sqlite"])
        #expect(result.status != 0)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        #expect(result.standardError.contains("/nonexistent/gateway.sqlite"))
    }

    @Test func deliverSendsTheQueueAndAnUnknownSinkTypeNamesFileLineAndField() async throws {
        let directory = Fixtures.temporaryDirectory("outbox-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try prepare(directory)
        let receiver = try await HTTPReceiver.start()
        let store = try KillTests.storeFile(in: directory, receiver: receiver.url)
        let delivered = try await FootfallProcess.run(["outbox", "deliver", "--store", store.path, "--db", db])
        #expect(delivered.status == 0, "\(delivered.standardError)")
        // A mistyped database is said, not made anew and reported delivered.
        let mistyped = directory.appendingPathComponent("gatway.sqlite").path
        let missing = try await FootfallProcess.run(["outbox", "deliver", "--store", store.path, "--db", mistyped])
        #expect(missing.status != 0 && missing.standardError.contains("no gateway database at \(mistyped)"), "\(missing.standardError)")
        #expect(!FileManager.default.fileExists(atPath: mistyped))
        #expect(Set(receivedIDs(receiver)) == ["e-000002", "e-000003", "e-000004"])
        try await receiver.stop()

        let bad = directory.appendingPathComponent("bad.yaml")
        try String(contentsOf: store, encoding: .utf8).replacingOccurrences(of: "type: cloudevents", with: "type: kafka")
            .write(to: bad, atomically: true, encoding: .utf8)
        let refused = try await FootfallProcess.run(["outbox", "deliver", "--store", bad.path, "--db", db])
        #expect(refused.status != 0)
        #expect(refused.standardError.split(separator: "\n").count == 1, "\(refused.standardError)")
        #expect(refused.standardError.contains("bad.yaml:11") && refused.standardError.contains("sinks[0].type"), "\(refused.standardError)")
    }
}
