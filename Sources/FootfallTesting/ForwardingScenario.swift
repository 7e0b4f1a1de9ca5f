import FootfallCore
import Forwarding
import Foundation
import Logging
import Storage

// Shared by the forwarding benchmarks (`make bench`) and their debug-build measurements
// (Tests/ForwardingTests/DeliveryMeasurements.swift).
/// Delivery to a CloudEvents receiver on loopback, from a gateway database on disk
/// (synchronous = FULL, as in production).
public enum ForwardingScenario {
    static let quiet = Logger(label: "footfall.bench") { _ in SwiftLogNoOpLogHandler() }

    static func events(_ count: Int, from start: Int = 0) -> [PresenceEvent] {
        (start..<start + count).map { index in
            var event = PresenceEvent(
                id: "bench-\(index)", type: .zoneDwell, occurredAt: 1_700_000_000 + Double(index), storeID: "bench-store",
                gatewayID: "gw-1")
            event.anonymousID = "shopper-\(index % 50)"
            event.zone = "electronics"
            event.dwellSeconds = 45
            event.visitID = "visit-\(index % 50)"
            return event
        }
    }

    static func database() throws -> (GatewayDatabase, URL) {
        let directory = Fixtures.temporaryDirectory("footfall-bench")
        return (try GatewayDatabase(path: directory.appendingPathComponent("gateway.sqlite").path), directory)
    }

    static func sink(_ url: String, batchSize: Int) -> Sink {
        Sink(
            name: "cloudevents", encoder: CloudEventsEncoder(), transport: HTTPTransport(options: .init(url: url), now: Timing.live.now),
            batching: Batching(maxEvents: batchSize, maxBytes: 1_000_000))
    }

    /// Appends `count` events one transaction each at `rate` a second and returns each one's
    /// latency from its append to the receiver's acknowledgment, in seconds, sorted.
    public static func latencies(count: Int, rate: Double) async throws -> [Double] {
        let (database, directory) = try database()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await HTTPReceiver.start()
        let forwarder = Forwarder(database: database, sinks: [sink(receiver.url, batchSize: 500)], logger: quiet)
        let task = Task { try await forwarder.run() }
        var appendedAt: [String: Double] = [:]
        let start = ContinuousClock.now
        for (index, event) in events(count).enumerated() {
            try await Task.sleep(until: start + .seconds(Double(index) / rate), clock: .continuous)
            appendedAt[event.id] = Date().timeIntervalSince1970
            try database.append([event], appendedAt: Timing.live.now())
        }
        _ = await receiver.wait(timeout: .seconds(60)) { $0.reduce(0) { $0 + eventCount(in: $1.body) } >= count }
        task.cancel()
        _ = await task.result
        var latencies: [Double] = []
        for request in receiver.requests {
            guard let array = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [[String: Any]] else { continue }
            for event in array {
                if let id = event["id"] as? String, let appended = appendedAt.removeValue(forKey: id) {
                    latencies.append(request.receivedAt - appended)
                }
            }
        }
        try await receiver.stop()
        return latencies.sorted()
    }

    /// Delivers `count` events appended beforehand; returns events a second.
    public static func throughput(count: Int, batchSize: Int) async throws -> Double {
        let (database, directory) = try database()
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = events(count)
        for chunk in stride(from: 0, to: count, by: 10_000) {
            try database.append(Array(all[chunk..<min(count, chunk + 10_000)]), appendedAt: Timing.live.now())
        }
        let receiver = try await HTTPReceiver.start()
        let forwarder = Forwarder(database: database, sinks: [sink(receiver.url, batchSize: batchSize)], logger: quiet)
        let start = ContinuousClock.now
        try await forwarder.drain()
        let elapsed = ContinuousClock.now - start
        try await receiver.stop()
        return Double(count) / (elapsed / .seconds(1))
    }

    static func eventCount(in body: [UInt8]) -> Int {
        // Each CloudEvent has exactly one "specversion".
        var count = 0
        let needle = Array("\"specversion\"".utf8)
        var index = 0
        while index + needle.count <= body.count {
            if body[index] == needle[0] && Array(body[index..<index + needle.count]) == needle {
                count += 1
                index += needle.count
            } else {
                index += 1
            }
        }
        return count
    }

    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
}

