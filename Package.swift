// swift-tools-version: 6.1
import PackageDescription

// Module boundaries follow ../shared/DESIGN.md: pure cores (BLE, WiFi, Positioning,
// Presence, Calibration) never touch I/O; Gateway is the composition root.
let package = Package(
    name: "footfall",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "footfall", targets: ["footfall"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "FootfallCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Positioning",
            dependencies: ["FootfallCore"],
            // The locate stage is numeric work run per device per second: optimised even in
            // debug builds, so tests and `make run` replay a busy store in seconds.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "Presence",
            dependencies: ["FootfallCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Storage",
            dependencies: ["FootfallCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(name: "Simulation", dependencies: ["FootfallCore", "Positioning"]),
        .target(name: "Calibration", dependencies: ["FootfallCore", "Positioning"]),
        .target(
            name: "Gateway",
            dependencies: [
                "FootfallCore", "Positioning", "Presence", "Simulation", "Calibration", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "footfall",
            dependencies: [
                "Gateway", "FootfallCore", "Simulation", "Calibration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "FootfallTesting", dependencies: ["FootfallCore", "Simulation"]),
        .testTarget(name: "FootfallCoreTests", dependencies: ["FootfallCore", "FootfallTesting"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Gateway", "Simulation", "Calibration", "Presence", "Positioning", "FootfallTesting"]
        ),
        .testTarget(name: "PositioningTests", dependencies: ["Positioning", "FootfallTesting"]),
        .testTarget(
            name: "CalibrationTests",
            dependencies: ["Calibration", "Positioning", "Simulation", "FootfallCore", "FootfallTesting"]
        ),
        .testTarget(name: "PresenceTests", dependencies: ["Presence", "Storage", "Gateway", "FootfallTesting"]),
        .executableTarget(
            name: "FootfallBenchmarks",
            dependencies: [
                "FootfallCore", "Gateway", "Simulation",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Tests/Benchmarks/FootfallBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
