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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // The API's TLS (HummingbirdTLS is built on it) and the uplink's trust in its gateway.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // HTTPRequestPart for the API's per-connection timeouts (Hummingbird's own HTTP types).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
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
        .target(
            name: "Forwarding",
            dependencies: [
                "FootfallCore", "Storage", "MQTT",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(name: "Simulation", dependencies: ["FootfallCore", "Positioning"]),
        // The one pipeline (observations → locate → presence → events) the daemon, replay and
        // the tests share: pure, no I/O.
        .target(name: "Pipeline", dependencies: ["FootfallCore", "BLE", "Positioning", "Presence"]),
        .target(name: "Calibration", dependencies: ["FootfallCore", "Positioning"]),
        .target(
            name: "WiFi",
            dependencies: ["FootfallCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
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
        // libmosquitto shim; only MQTT imports it.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        // The MQTT client the Capture sources and the Forwarding sinks share.
        .target(name: "MQTT", dependencies: ["CMosquitto", "FootfallCore"]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // libbluetooth shim; only Capture imports it.
        .systemLibrary(name: "CBlueZ", pkgConfig: "bluez", providers: [.apt(["libbluetooth-dev"])]),
        .target(
            name: "Capture",
            dependencies: [
                "FootfallCore", "WiFi", "CPcap", "BLE", "CBlueZ", "MQTT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "FootfallCore", "Pipeline", "Positioning", "Presence", "Simulation", "Calibration", "Storage", "Forwarding",
                "Capture", "BLE", "WiFi", "MQTT",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "footfall",
            dependencies: [
                "Gateway", "FootfallCore", "Simulation", "Calibration", "Positioning", "Presence", "Storage", "Forwarding", "WiFi",
                "Capture", "BLE",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "FootfallTesting",
            dependencies: [
                "FootfallCore", "Simulation", "BLE", "Storage", "Forwarding", "MQTT",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Swift Testing traits for the test targets (apart, so that FootfallBenchmarks, which
        // uses FootfallTesting, does not link Testing).
        .target(name: "FootfallTestTraits", dependencies: ["FootfallTesting"]),
        .testTarget(name: "FootfallCoreTests", dependencies: ["FootfallCore", "FootfallTesting"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Simulation", "BLE", "FootfallCore", "FootfallTesting"]
        ),
        .testTarget(name: "PositioningTests", dependencies: ["Positioning", "FootfallTesting", "FootfallTestTraits"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Pipeline", "Positioning", "Presence", "Storage", "Forwarding", "FootfallTesting", "FootfallTestTraits", "MQTT", "Capture", "WiFi", "Calibration",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "CalibrationTests",
            dependencies: ["Calibration", "Positioning", "Simulation", "FootfallCore", "FootfallTesting", "FootfallTestTraits"]
        ),
        .testTarget(name: "PresenceTests", dependencies: ["Presence", "FootfallCore", "FootfallTesting"]),
        // Storage's intent methods, each on an in-memory database.
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "FootfallCore", "FootfallTesting", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "ForwardingTests",
            dependencies: [
                "Forwarding", "Storage", "FootfallCore", "FootfallTesting", "MQTT",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "WiFiTests",
            dependencies: ["WiFi", "FootfallTesting", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "BLETests",
            dependencies: ["BLE", "FootfallCore", "FootfallTesting", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "CaptureTests",
            dependencies: [
                "Capture", "WiFi", "BLE", "FootfallCore", "FootfallTesting", "MQTT",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The Debian package and its systemd unit, checked with dpkg-deb, lintian and systemd-analyze.
        .testTarget(name: "PackagingTests", dependencies: ["FootfallTesting"]),
        // libFuzzer target for the BLE decoders (see the file for how to build it for fuzzing).
        .executableTarget(
            name: "BLEFuzz",
            dependencies: ["BLE", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/BLEFuzz"
        ),
        // `make accuracy`: the locator beside the simple baselines on every real dataset and a
        // matrix of simulated stores (issue #15). No Gateway: it builds without the servers.
        .executableTarget(
            name: "FootfallAccuracy",
            dependencies: [
                "FootfallCore", "Positioning", "Pipeline", "Simulation", "Calibration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/Accuracy/FootfallAccuracy"
        ),
        .executableTarget(
            name: "FootfallBenchmarks",
            dependencies: [
                "FootfallCore", "Gateway", "Pipeline", "Simulation", "Storage", "Forwarding", "FootfallTesting", "WiFi", "BLE",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Benchmarks/FootfallBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
