import FootfallCore
import FootfallTesting
import Foundation
import Pipeline
import Testing

/// A device new to the pipeline is placed from its first readings, before the round at the next
/// whole second: once every reading stamped with its first reading's time is in (readings that
/// arrive together share a time), then again at each later time within that second.
@Suite struct FirstReadingPipelineTests {
    static let device: DeviceID = "ble:c0:00:00:00:00:02"

    static func positions(_ outputs: [Pipeline.Output]) -> [PositionEstimate] {
        outputs.compactMap {
            if case .position(let estimate) = $0, estimate.device == device { return estimate }
            return nil
        }
    }

    @Test func readingsStampedTogetherPlaceTheDeviceOnceFromAllOfThem() throws {
        let configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        var pipeline = try Pipeline(configuration: configuration)
        var outputs: [Pipeline.Output] = []
        // The clock starts at the first whole second; the device is heard part way through it.
        try pipeline.ingest(Observation(time: 100, sensor: configuration.layout.sensors[0].id, device: "ble:c0:00:00:00:00:99", rssi: -80), into: &outputs)
        let sensors = configuration.layout.sensors
        for sensor in sensors {
            try pipeline.ingest(Observation(time: 100.4, sensor: sensor.id, device: Self.device, rssi: -70), into: &outputs)
        }
        // Not placed while readings stamped 100.4 may still come.
        #expect(Self.positions(outputs).isEmpty)
        try pipeline.advance(to: 100.5, into: &outputs)
        let placed = Self.positions(outputs)
        #expect(placed.count == 1)
        #expect(placed.first?.time == 100.4)
        #expect(placed.first?.sensorsHeard == sensors.count)
    }

    @Test func readingsAtLaterTimesInTheFirstSecondPlaceItAgain() throws {
        let configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        var pipeline = try Pipeline(configuration: configuration)
        var outputs: [Pipeline.Output] = []
        try pipeline.ingest(Observation(time: 100, sensor: configuration.layout.sensors[0].id, device: "ble:c0:00:00:00:00:99", rssi: -80), into: &outputs)
        let sensors = configuration.layout.sensors.prefix(3)
        for (k, sensor) in sensors.enumerated() {
            try pipeline.ingest(Observation(time: 100.2 + 0.2 * Double(k), sensor: sensor.id, device: Self.device, rssi: -70), into: &outputs)
        }
        // The round at 101 places the device from the whole second, after the three.
        try pipeline.advance(to: 101, into: &outputs)
        let placed = Self.positions(outputs)
        #expect(placed.map(\.sensorsHeard) == [1, 2, 3, 3])
        #expect(zip(placed.map(\.time), [100.2, 100.4, 100.6, 101]).allSatisfy { abs($0 - $1) < 1e-9 })
    }
}
