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
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "FootfallCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Positioning", dependencies: ["FootfallCore"]),
        .target(
            name: "Presence",
            dependencies: ["FootfallCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "Simulation", dependencies: ["FootfallCore", "Positioning"]),
        .target(name: "Calibration", dependencies: ["FootfallCore", "Positioning"]),
        .target(
            name: "WiFi",
            dependencies: ["FootfallCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(
            name: "Capture",
            dependencies: [
                "FootfallCore", "WiFi", "CPcap",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
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
                "Gateway", "FootfallCore", "Simulation", "Calibration", "WiFi", "Capture",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "FootfallTesting", dependencies: ["FootfallCore"]),
        .testTarget(name: "FootfallCoreTests", dependencies: ["FootfallCore", "FootfallTesting"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Gateway", "Simulation", "Calibration", "Presence", "Positioning", "FootfallTesting"]
        ),
        .testTarget(name: "PositioningTests", dependencies: ["Positioning", "FootfallTesting"]),
        .testTarget(
            name: "WiFiTests",
            dependencies: ["WiFi", "FootfallTesting", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "CaptureTests",
            dependencies: [
                "Capture", "WiFi", "FootfallTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "FootfallBenchmarks",
            dependencies: [
                "FootfallCore", "Gateway", "Simulation", "WiFi",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Tests/Benchmarks/FootfallBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
