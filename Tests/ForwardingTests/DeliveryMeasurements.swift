import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Logging
import Storage
import Testing

// The benchmarks' scenarios (Tests/Benchmarks/FootfallBenchmarks/ForwardingBenchmarks.swift),
// runnable in a debug build with `FOOTFALL_MEASURE=1 swift test --filter DeliveryMeasurements`;
// skipped otherwise, since a timed run inside the parallel suite measures the machine.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["FOOTFALL_MEASURE"] != nil))
struct DeliveryMeasurements {
    @Test func latencyAtTwoHundredEventsASecondIsReported() async throws {
        let latencies = try await ForwardingScenario.latencies(count: 1000, rate: 200)
        #expect(latencies.count == 1000)
        let ms = { (p: Double) in String(format: "%.2f ms", ForwardingScenario.percentile(latencies, p) * 1000) }
        print("delivery latency at 200 events/s over \(latencies.count) events: p50 \(ms(0.5)), p99 \(ms(0.99)), max \(ms(1))")
    }

    @Test func batchedThroughputIsReported() async throws {
        for _ in 0..<3 {
            let rate = try await ForwardingScenario.throughput(count: 100_000, batchSize: 1000)
            print(String(format: "delivery throughput, 100,000 events in batches of 1,000: %.0f events/s", rate))
        }
    }
}
