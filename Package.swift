// swift-tools-version: 6.1
import PackageDescription

// Module boundaries follow ../shared/DESIGN.md: pure cores (BLE, WiFi, Positioning,
// Presence, Calibration) never touch I/O; Gateway is the composition root.
let package = Package(
    name: "footfall",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
        .target(name: "FootfallTesting", dependencies: ["FootfallCore"]),
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
        .testTarget(name: "FootfallCoreTests", dependencies: ["FootfallCore", "FootfallTesting"]),
        .testTarget(name: "PositioningTests", dependencies: ["Positioning", "FootfallTesting"]),
        .testTarget(name: "WiFiTests", dependencies: ["WiFi", "FootfallTesting", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(
            name: "CaptureTests",
            dependencies: [
                "Capture", "WiFi", "FootfallTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
