import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// Issue #16: live, two different events could share an id (about once in 3,000: a zone left,
/// entered and left again within the same millisecond), and a receiver de-duplicating by id
/// dropped the second. The real binary on the live path — the simulator walking shoppers in
/// wall-clock time, sixty times faster, ticked by the clock — until 20,000 events are out.
/// The multilateration engine: a quarter of the grid's work an event, and zones that flicker
/// at their borders, which is what made two events alike.
@Suite struct LiveEventIDTests {
    static let wanted = 20_000

    /// Lines in a file, found with `memchr` (a byte at a time is slow in a debug build).
    static func lineCount(_ path: String) -> Int {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return 0 }
        return data.withUnsafeBytes { raw in
            guard var next = raw.baseAddress else { return 0 }
            let end = next + raw.count
            var count = 0
            while next < end, let newline = memchr(next, 0x0A, end - next) {
                count += 1
                next = UnsafeRawPointer(newline) + 1
            }
            return count
        }
    }

    @Test func twentyThousandEventsMadeLiveEachHaveAnIdOfTheirOwnAndKeepTheirVisitsOrder() async throws {
        let directory = Fixtures.temporaryDirectory("live-ids")
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try Fixtures.demoStoreWithoutSources()
            .replacingOccurrences(of: "\nidentity:\n", with: "\npositioning:\n  engine: multilateration\nidentity:\n  anonymous_events: true\n")
        #expect(demo.contains("anonymous_events: true"))
        let config = directory.appendingPathComponent("store.yaml").path
        let events = directory.appendingPathComponent("events.jsonl").path
        try (demo + """

            sources:
              - type: simulate
                shoppers_per_hour: 600
                hours: 4
                seed: 16
                speed: 60
            sinks:
              - type: jsonl
                path: \(events)
                fsync: never
            api:
              listen: 127.0.0.1:0
            """).write(toFile: config, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let daemon = try FootfallProcess.start(["run", "--config", config, "--data", data], logFile: directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }

        // About a minute and a half on a loaded 2-core machine.
        // Lines counted with `memchr`: splitting the growing file into strings every 2 s took 4 s
        // of a cooperative thread over the test, which other tests' timers waited behind.
        _ = await waitUntil(timeout: .seconds(900), every: .seconds(2)) {
            Self.lineCount(events) >= Self.wanted || !daemon.isRunning
        }
        await daemon.killOnItsOwnThread(SIGTERM)
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log.suffix(2_000))")
        let all = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        try #require(all.count >= Self.wanted, "\(all.count) events before the deadline\n\(daemon.log.suffix(2_000))")

        var seen: [String: String] = [:], duplicates: [String] = []
        var lastInVisit: [String: String] = [:], backwards = 0
        for event in all {
            let id = event["id"] as! String, type = event["type"] as! String, at = event["occurred_at"] as! String
            let description = "\(type) \(event["zone"] as? String ?? "") \(at)"
            if let earlier = seen[id] { duplicates.append("\(id): \(earlier) and \(description)") }
            seen[id] = description
            if let visit = event["visit_id"] as? String {
                // RFC 3339 UTC with milliseconds: the text sorts as the time does.
                if let last = lastInVisit[visit], at < last { backwards += 1 }
                lastInVisit[visit] = at
            }
        }
        #expect(duplicates.isEmpty, "\(duplicates.count) ids shared, e.g. \(duplicates.prefix(3))")
        #expect(backwards == 0)
    }
}
