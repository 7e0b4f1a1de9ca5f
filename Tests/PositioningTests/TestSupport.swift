import FootfallCore
import Foundation
import Positioning

/// Deterministic noise for tests (SplitMix64), so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A standard normal draw (Box–Muller).
    mutating func gaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

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
func modelRSSI(_ sensor: Sensor, at point: Point, in layout: StoreLayout, noise: Double = 0, using rng: inout SeededGenerator) -> Double {
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
    var rng = SeededGenerator(seed: seed)
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
