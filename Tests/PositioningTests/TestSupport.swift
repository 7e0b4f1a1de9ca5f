import FootfallCore
import FootfallTesting
import Foundation
import Positioning

/// A 10 m × 10 m store with a sensor 2.5 m up in each corner.
let squareStore = StoreLayout(
    id: "square", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10)),
    zones: [
        Zone(id: "west", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 10))),
        Zone(id: "east", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 10))),
    ],
    sensors: [
        Sensor(id: "a", position: Point3(x: 0, y: 0, z: 2.5)), Sensor(id: "b", position: Point3(x: 10, y: 0, z: 2.5)),
        Sensor(id: "c", position: Point3(x: 10, y: 10, z: 2.5)), Sensor(id: "d", position: Point3(x: 0, y: 10, z: 2.5)),
    ])

/// The RSSI the layout's default model predicts for a device at `point`, plus optional noise.
extension PositioningConfiguration {
    /// Tells the locator the path-loss exponent is the model's (`path_loss_exponent_spread` and
    /// `…_local_spread` 0), as it is for readings made from the model.
    mutating func holdingTheExponent() {
        pathLossExponentSpread = 0
        pathLossExponentLocalSpread = 0
    }
}

func modelRSSI(_ sensor: Sensor, at point: Point, in layout: StoreLayout, noise: Double = 0, using rng: inout SplitMix64) -> Double {
    let d = sensor.position.distance(to: point, height: layout.deviceHeight)
    return sensor.pathLoss(for: .ble).rssi(atDistance: d) + noise * rng.gaussian()
}

/// Feeds a stationary device at `point` to the locator from `start` to `end` at 2 Hz from the
/// sensors named, and returns the last estimate.
@discardableResult
func feed(
    _ locator: inout Locator, device: DeviceID = "phone", at point: Point, sensors: [SensorID]? = nil,
    from start: Double, to end: Double, noise: Double = 0, seed: UInt64 = 1
) -> PositionEstimate? {
    var rng = SplitMix64(seed: seed)
    var last: PositionEstimate?
    let layout = locator.layout
    for t in stride(from: start, through: end, by: 0.5) {
        for sensor in layout.sensors where sensors?.contains(sensor.id) ?? true {
            let rssi = modelRSSI(sensor, at: point, in: layout, noise: noise, using: &rng)
            locator.observe(Observation(time: t, sensor: sensor.id, device: device, rssi: rssi))
        }
        last = locator.estimate(at: t).first { $0.device == device }
    }
    return last
}

/// A measure taken once per seed, 1 through `count`, sorted: a noisy test states what holds
/// across many draws of its noise, not what one lucky draw gives.
func acrossSeeds(_ count: UInt64 = 40, _ measure: (UInt64) throws -> Double) rethrows -> [Double] {
    try (1...count).map(measure).sorted()
}

extension Array where Element == Double {
    /// The value below which `share` of these sorted values lie (nearest rank).
    func quantile(_ share: Double) -> Double {
        self[Swift.min(count - 1, Swift.max(0, Int((share * Double(count)).rounded(.up)) - 1))]
    }

    var median: Double { quantile(0.5) }
}
