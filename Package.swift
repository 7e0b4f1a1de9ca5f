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
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "FootfallCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Positioning", dependencies: ["FootfallCore"]),
        // Pure BLE decoding: HCI, H4, advertising data, beacons, RPA resolution, btsnoop.
        .target(
            name: "BLE",
            dependencies: [
                "FootfallCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // libbluetooth shim; only Capture imports it.
        .systemLibrary(
            name: "CBlueZ",
            pkgConfig: "bluez",
            providers: [.apt(["libbluetooth-dev"])]
        ),
        .target(
            name: "Capture",
            dependencies: [
                "BLE", "FootfallCore", "CBlueZ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Presence",
            dependencies: ["FootfallCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "Simulation", dependencies: ["FootfallCore", "Positioning"]),
        .target(name: "Calibration", dependencies: ["FootfallCore", "Positioning"]),
        .target(
            name: "Gateway",
            dependencies: [
                "FootfallCore", "Positioning", "Presence", "Simulation", "Calibration",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "footfall",
            dependencies: [
                "Gateway", "FootfallCore", "Simulation", "Calibration", "BLE", "Capture",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "FootfallTesting",
            dependencies: ["FootfallCore", "BLE", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(name: "FootfallCoreTests", dependencies: ["FootfallCore", "FootfallTesting"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Gateway", "Simulation", "Calibration", "Presence", "Positioning", "FootfallTesting"]
        ),
        .testTarget(name: "PositioningTests", dependencies: ["Positioning", "FootfallTesting"]),
        .testTarget(
            name: "BLETests",
            dependencies: ["BLE", "FootfallCore", "FootfallTesting", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "CaptureTests",
            dependencies: [
                "Capture", "BLE", "FootfallCore", "FootfallTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "FootfallBenchmarks",
            dependencies: [
                "FootfallCore", "Gateway", "Simulation", "BLE",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/Benchmarks/FootfallBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
