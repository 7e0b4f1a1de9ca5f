import FootfallCore
import FootfallTesting
import Foundation
import Pipeline
import Testing

/// The `positioning:` section of the store file is what the pipeline's locate stage runs with.
@Suite struct PositioningSettingsPipelineTests {
    /// Whole seconds at which a device heard once, at t = 100 s by every sensor, is placed.
    static func secondsPlaced(positioning: [String: StoreConfiguration.Setting]) throws -> Int {
        var configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.positioning = positioning
        var pipeline = try Pipeline(configuration: configuration)
        var outputs: [Pipeline.Output] = []
        for sensor in configuration.layout.sensors {
            try pipeline.ingest(Observation(time: 100, sensor: sensor.id, device: "ble:c0:00:00:00:00:01", rssi: -70), into: &outputs)
        }
        try pipeline.finish(into: &outputs)
        return outputs.filter {
            if case .position(let estimate) = $0 { return estimate.device == "ble:c0:00:00:00:00:01" }
            return false
        }.count
    }

    @Test func theWindowSetInTheStoreFileDecidesHowLongAnUnheardDeviceIsPlaced() throws {
        // A device is placed in the second of its reading and in each of the `window` seconds
        // after it (5 by default).
        let byDefault = try Self.secondsPlaced(positioning: [:])
        let shortWindow = try Self.secondsPlaced(positioning: ["window": .init(2, line: 90)])
        #expect(byDefault == 6)
        #expect(shortWindow == 3)
    }

    @Test func aBadSettingInAConfigurationBuiltInCodeIsAnErrorNotACrash() throws {
        var configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.positioning = ["rssi_noise": .init(100, line: 90)]
        #expect {
            _ = try Pipeline(configuration: configuration)
        } throws: { error in
            "\(error)".contains(":90: positioning.rssi_noise: 100 is out of range")
        }
    }
}
