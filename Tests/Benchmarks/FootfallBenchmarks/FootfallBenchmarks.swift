import Benchmark

// `make bench` runs these in a release build. Throughput is reported in the scaled unit of
// each benchmark (M = millions of observations per second); see README.md for the figures.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(10)
    Benchmark.defaultConfiguration.maxIterations = 20
    registerTraceBenchmarks()
    registerWiFiBenchmarks()
    registerForwardingBenchmarks()
    registerBLEBenchmarks()
    registerPositioningBenchmarks()
}
