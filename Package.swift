// swift-tools-version: 6.1
import PackageDescription

// Module boundaries follow ../shared/DESIGN.md: pure cores (BLE, WiFi, Positioning,
// Presence, Calibration) never touch I/O; Gateway is the composition root.
let package = Package(
    name: "footfall",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "FootfallCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Positioning", dependencies: ["FootfallCore"]),
        .target(name: "FootfallTesting", dependencies: ["FootfallCore"]),
        .testTarget(name: "FootfallCoreTests", dependencies: ["FootfallCore", "FootfallTesting"]),
        .testTarget(name: "PositioningTests", dependencies: ["Positioning", "FootfallTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
