import Benchmark
import FootfallCore
import Foundation
import Gateway
import Pipeline
import Simulation

/// A simulated hour of the demo store, made once per benchmark process.
enum DemoFixture {
    static let configuration: StoreConfiguration = {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
        return try! StoreConfiguration.load(path: url.appendingPathComponent("calibration/demo-store/store.yaml").path)
    }()

    /// Exactly one million observations of a simulated busy hour.
    static let observations: [Observation] = {
        var settings = StoreSimulator.Settings()
        settings.shoppersPerHour = 400
        settings.seed = 42
        var all: [Observation] = []
        all.reserveCapacity(1_000_000)
        struct Enough: Error {}
        try? StoreSimulator(layout: configuration.layout, settings: settings).run(
            observation: { if all.count == 1_000_000 { throw Enough() }; all.append($0) }, truth: { _ in })
        precondition(all.count == 1_000_000, "the simulated hour gave only \(all.count) observations")
        return all
    }()

    /// The same observations as a trace file.
    static let tracePath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-bench-\(getpid()).csv").path
        let writer = try! TraceWriter(path: path)
        observations.forEach(writer.write)
        try! writer.close()
        return path
    }()
}

func registerTraceBenchmarks() {
    // One scaled iteration = one trace line parsed into an observation.
    Benchmark(
        "Trace parsing (observations)",
        configuration: .init(metrics: [.throughput, .wallClock, .peakMemoryResident], scalingFactor: .mega),
        closure: { benchmark in
            let reader = try TraceReader(path: DemoFixture.tracePath)
            for _ in benchmark.scaledIterations { blackHole(try reader.read()) }
        },
        setup: { _ = DemoFixture.tracePath })

    // One scaled iteration = one observation through locate, presence and events.
    Benchmark(
        "Replay end to end (observations)",
        configuration: .init(metrics: [.throughput, .wallClock, .peakMemoryResident], scalingFactor: .mega),
        closure: { benchmark in
            var pipeline = try! Pipeline(configuration: DemoFixture.configuration)
            var outputs: [Pipeline.Output] = []
            let observations = DemoFixture.observations
            var index = 0
            for _ in benchmark.scaledIterations {
                try pipeline.ingest(observations[index], into: &outputs)
                index += 1
                if outputs.count > 4096 { outputs.removeAll(keepingCapacity: true) }
            }
            blackHole(outputs)
        },
        setup: { _ = DemoFixture.observations })
}
