import FootfallCore
import FootfallTesting
import Foundation
import Storage
import Synchronization
import Testing

/// The real `footfall` binary, killed with SIGKILL in the middle of a stream.
@Suite(.serialized) struct KillTests {
    static func storeFile(in directory: URL, receiver: String) throws -> URL {
        let url = directory.appendingPathComponent("store.yaml")
        try """
        store:
          id: kill-store
          outline: [[0, 0], [10, 0], [10, 10], [0, 10]]
        zones:
          - id: checkout
            polygon: [[0, 0], [5, 0], [5, 5], [0, 5]]
        sensors:
          - id: s1
            position: [1.0, 1.0, 2.5]
        sinks:
          - type: cloudevents
            url: \(receiver)/events
            batch_size: 25
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func killNineMidStreamThenRestartDeliversEveryEventAndRepeatsOnlyWithTheSameID() async throws {
        let directory = Fixtures.temporaryDirectory("outbox-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await HTTPReceiver.start()
        let store = try Self.storeFile(in: directory, receiver: receiver.url)
        let dbPath = directory.appendingPathComponent("gateway.sqlite").path
        let database = try GatewayDatabase(path: dbPath)
        let first = TestEvents.make(count: 4000, store: "kill-store")
        try database.append(first, appendedAt: Timing.live.now())
        let arguments = ["outbox", "deliver", "--store", store.path, "--db", dbPath, "--follow", "--poll-ms", "10"]

        // The receiver itself kills the deliverer while it holds the 40th batch (events 976–1000),
        // so that batch reached the receiver but was never acknowledged: the worst moment.
        let target = Atomic<Int32>(0)
        let accepted = Atomic<Int>(0)
        receiver.setResponder { _ in
            let pid = target.load(ordering: .sequentiallyConsistent)
            guard pid > 0 else { return .init(status: 503, headers: [("Retry-After", "0")]) }
            if accepted.add(1, ordering: .sequentiallyConsistent).newValue == 40 { _ = kill(pid, SIGKILL) }
            return .ok
        }
        let process = try FootfallProcess.start(arguments, logFile: directory.appendingPathComponent("deliver-1.log"))
        target.store(process.pid, ordering: .sequentiallyConsistent)
        _ = await waitUntil { !process.isRunning }
        #expect(!process.isRunning, "the deliverer never reached the 40th batch: \(process.log)")
        if process.isRunning { process.kill() }
        #expect(process.process.terminationReason == .uncaughtSignal && process.process.terminationStatus == SIGKILL)
        receiver.setResponder { _ in .ok }
        let atKill = Received.events(receiver.requests.map(\.body)).count
        #expect(atKill < first.count, "the kill came after the whole stream (\(atKill) events): it proves nothing")

        // The stream goes on while the deliverer is down.
        let second = TestEvents.make(count: 1000, from: 4000, store: "kill-store")
        try database.append(second, appendedAt: Timing.live.now())
        let all = first + second

        let restarted = try FootfallProcess.start(arguments, logFile: directory.appendingPathComponent("deliver-2.log"))
        let complete = await receiver.wait(timeout: .seconds(300)) {
            Set(Received.events($0.map(\.body)).compactMap { $0["id"] as? String }).count >= all.count
        }
        // The receiver records a batch before it answers: stopped before the answer reached it,
        // the deliverer would send that batch again as it stops, a repeat the kill did not make.
        _ = try await waitUntil { try await database.outboxStatus().first?.pending == 0 }
        restarted.kill(SIGTERM)
        #expect(complete, "not everything arrived: \(restarted.log)")

        // What the receiver accepted (the 503s while the test learnt the pid do not count).
        let acceptedBodies = receiver.requests.filter { $0.responseStatus == 200 }.map(\.body)
        let received = Received.cloudEvents(acceptedBodies)
        let ids = received.compactMap { $0["id"] as? String }
        #expect(Set(ids) == Set(all.map(\.id)))
        // A repeat is the same event under the same id, and at most the batch in flight at the kill.
        var byID: [String: String] = [:]
        for event in received {
            let id = event["id"] as! String
            let data = try JSONSerialization.data(withJSONObject: event["data"]!, options: .sortedKeys)
            let text = String(decoding: data, as: UTF8.self)
            if let earlier = byID[id] { #expect(earlier == text, "\(id) was repeated with other content") }
            byID[id] = text
        }
        #expect(ids.count - Set(ids).count <= 25, "\(ids.count - Set(ids).count) repeats")
        // In order per shopper, counting first arrivals.
        var seen: Set<String> = []
        var order: [String: [String]] = [:]
        for event in Received.events(acceptedBodies) {
            let id = event["id"] as! String
            if seen.insert(id).inserted { order[TestEvents.shopper(of: event), default: []].append(id) }
        }
        for (shopper, list) in order { #expect(list == list.sorted(), "\(shopper) out of order") }
        #expect(try await database.outboxStatus().first?.pending == 0)
        try await receiver.stop()
    }
}
