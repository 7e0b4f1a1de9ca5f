import FootfallCore
import FootfallTesting
import Positioning
import Testing

/// Which sensors' silence the grid leaves out as dead: one that stays silent while a device
/// stands where it should surely hear it is dead; one silent only because every device is far
/// from it (one tag in a building, heard by the receivers near it) is not, however long.
@Suite struct DeadSensorTests {
    static func locator(_ layout: StoreLayout) -> Locator {
        var configuration = PositioningConfiguration()
        configuration.receiverSensitivity = -95
        return Locator(layout: layout, configuration: configuration)
    }

    /// Every second from `start` to `end`, the sensors in `heard` hear a phone standing at
    /// `point` (2 dB of noise); returns the sensors taken as dead after each second's round.
    static func stand(
        _ locator: inout Locator, at point: Point, heard: Set<SensorID>, from start: Double, to end: Double, rng: inout SplitMix64
    ) -> [(Double, [SensorID])] {
        var dead: [(Double, [SensorID])] = []
        for t in stride(from: start, through: end, by: 1) {
            for sensor in locator.layout.sensors where heard.contains(sensor.id) {
                let rssi = modelRSSI(sensor, at: point, in: locator.layout, noise: 2, using: &rng)
                locator.observe(Observation(time: t, sensor: sensor.id, device: "phone", rssi: rssi))
            }
            _ = locator.estimate(at: t)
            dead.append((t, locator.sensorsTakenAsDead()))
        }
        return dead
    }

    @Test func aSensorSilentWhileAPhoneStandsBesideItIsTakenAsDeadAfterForgetAfter() {
        // Sensor c (10, 10) hears the phone for 5 s, then nothing while it stands 2.1 m from it.
        var locator = Self.locator(squareStore)
        var rng = SplitMix64(seed: 3)
        let spot = Point(x: 8.5, y: 8.5)
        let before = Self.stand(&locator, at: spot, heard: ["a", "b", "c", "d"], from: 0, to: 5, rng: &rng)
        let after = Self.stand(&locator, at: spot, heard: ["a", "b", "d"], from: 6, to: 60, rng: &rng)
        #expect(before.allSatisfy { $0.1.isEmpty })
        let forgetAfter = PositioningConfiguration().forgetAfter
        // Alive for `forget_after` from the first batch it missed, dead from a second after.
        #expect(after.filter { $0.0 <= 6 + forgetAfter }.allSatisfy { $0.1.isEmpty }, "\(after)")
        #expect(after.filter { $0.0 >= 6 + forgetAfter + 2 }.allSatisfy { $0.1 == ["c"] }, "\(after)")
    }

    @Test func aSensorFarFromTheOnlyPhoneIsNotTakenAsDeadHoweverLongItIsSilent() {
        // A 40 × 6 m store with a sensor every 8 m; the phone stands by the west end, where the
        // three eastern sensors (17–33 m away, expected at −86 to −92 dBm against a floor of
        // −95) hear it only at first.
        let long = StoreLayout(
            id: "long", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 40, y: 6)),
            sensors: [4.0, 12, 20, 28, 36].enumerated().map { i, x in Sensor(id: SensorID("s\(i)"), position: Point3(x: x, y: 3, z: 2.5)) })
        var locator = Self.locator(long)
        var rng = SplitMix64(seed: 4)
        let spot = Point(x: 3, y: 3)
        _ = Self.stand(&locator, at: spot, heard: Set(long.sensors.map(\.id)), from: 0, to: 0, rng: &rng)
        let after = Self.stand(&locator, at: spot, heard: ["s0", "s1"], from: 1, to: 150, rng: &rng)
        #expect(after.allSatisfy { $0.1.isEmpty }, "\(after.last!)")
    }
}
