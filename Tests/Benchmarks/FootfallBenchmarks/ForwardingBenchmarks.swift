import Benchmark
import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Logging
import Storage

func registerForwardingBenchmarks() {
    // 1,000 events at 200 a second, each appended in its own transaction; the custom metrics
    // are the p50, p99 and max latency from append to the receiver's acknowledgment, in µs.
    let p50 = BenchmarkMetric.custom("delivery latency p50 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let p99 = BenchmarkMetric.custom("delivery latency p99 (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    let worst = BenchmarkMetric.custom("delivery latency max (µs)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark(
        "Delivery latency at 200 events/s (loopback CloudEvents)",
        configuration: .init(metrics: [p50, p99, worst], warmupIterations: 0, maxDuration: .seconds(30), maxIterations: 1)
    ) { benchmark in
        let latencies = try await ForwardingScenario.latencies(count: 1000, rate: 200)
        benchmark.measurement(p50, Int(ForwardingScenario.percentile(latencies, 0.50) * 1e6))
        benchmark.measurement(p99, Int(ForwardingScenario.percentile(latencies, 0.99) * 1e6))
        benchmark.measurement(worst, Int((latencies.last ?? .nan) * 1e6))
    }

    // 100,000 events appended beforehand, delivered in batches of 1,000.
    let rate = BenchmarkMetric.custom("delivered events/s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark(
        "Delivery throughput with batching (loopback CloudEvents)",
        configuration: .init(metrics: [rate, .wallClock], maxDuration: .seconds(60), maxIterations: 3)
    ) { benchmark in
        benchmark.measurement(rate, Int(try await ForwardingScenario.throughput(count: 100_000, batchSize: 1000)))
    }
}
