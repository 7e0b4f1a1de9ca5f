import FootfallCore
import FootfallTestTraits
import FootfallTesting
import Positioning
import Testing

/// The grid learns each sensor's gain from all the devices it places (docs/positioning.md,
/// `sensor_gain_learning`): a sensor louder than its model stops pulling every device towards
/// it, one device alone moves the gains little, and a surveyed sensor keeps the survey's fit.
@Suite(.onItsOwnThread) struct SensorGainTests {
    /// A 20 × 12 m store with six sensors 2.8 m up, three along each long side of a 10 × 6 m grid.
    static let store = StoreLayout(
        id: "gains", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 20, y: 12)),
        sensors: [
            Sensor(id: "a", position: Point3(x: 2, y: 3, z: 2.8)), Sensor(id: "b", position: Point3(x: 10, y: 3, z: 2.8)),
            Sensor(id: "c", position: Point3(x: 18, y: 3, z: 2.8)), Sensor(id: "d", position: Point3(x: 2, y: 9, z: 2.8)),
            Sensor(id: "e", position: Point3(x: 10, y: 9, z: 2.8)), Sensor(id: "f", position: Point3(x: 18, y: 9, z: 2.8)),
        ])
    /// How much louder than the model sensor "b" really hears every device.
    static let hot = 8.0

    /// Shoppers standing a minute each at random places, one after another, heard every second by
    /// every sensor (3 dB of noise), sensor "b" `hot` dB louder than the store file's model.
    /// Returns each shopper's last estimate's error, in the order they came.
    static func shoppers(_ count: Int, seed: UInt64, locator: inout Locator) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var errors: [Double] = []
        for shopper in 0..<count {
            let spot = Point(x: 1 + 18 * rng.unit(), y: 1 + 10 * rng.unit())
            let device = DeviceID("shopper-\(shopper)")
            var last: PositionEstimate?
            for second in 0..<60 {
                let t = Double(shopper * 60 + second)
                for sensor in store.sensors {
                    let rssi = modelRSSI(sensor, at: spot, in: store, noise: 3, using: &rng) + (sensor.id == "b" ? hot : 0)
                    locator.observe(Observation(time: t, sensor: sensor.id, device: device, rssi: rssi))
                }
                last = locator.estimate(at: t).first { $0.device == device } ?? last
            }
            errors.append(last.map { $0.position.distance(to: spot) } ?? .infinity)
        }
        return errors
    }

    static func locator(learning: Bool, survey: [SurveySample] = []) -> Locator {
        var configuration = PositioningConfiguration()
        configuration.sensorGainLearning = learning
        return Locator(layout: store, configuration: configuration, survey: survey)
    }

    @Test func aSensorLouderThanItsModelIsLearntFromTheShoppersAndStopsPullingThem() {
        var learning = Self.locator(learning: true)
        var plain = Self.locator(learning: false)
        let learnt = Self.shoppers(60, seed: 5, locator: &learning)
        let model = Self.shoppers(60, seed: 5, locator: &plain)
        let gains = Dictionary(uniqueKeysWithValues: learning.sensorGains().map { ($0.sensor, $0.decibels) })
        #expect(gains.count == 6)
        #expect(plain.sensorGains().isEmpty)
        // Gains are relative (a phone's own offset takes up what all sensors share): "b"
        // stands out from the others, and they agree with each other. Not by all of its 8 dB:
        // the 60 shoppers are about 24 devices' worth of evidence against the prior's 12, so a
        // third of it is still the prior's 0. But by nearly all the evidence says: each batch's
        // fit, pulled towards "b" before its gain is learnt, shows only part of it in the
        // residual, and the rest is put back (`BatchLeverage`); without that, 3.7 dB.
        let others = gains.filter { $0.key != "b" }.map(\.value)
        let othersMean = others.reduce(0, +) / Double(others.count)
        let hot = (gains["b"] ?? 0) - othersMean
        let devices = learning.sensorGains().first { $0.sensor == "b" }?.devices ?? 0
        let evidenceShare = devices / (devices + PositioningConfiguration().sensorGainPriorDevices)
        #expect(hot > 0.85 * evidenceShare * Self.hot && hot < 1.1 * Self.hot, "sensor b learnt \(hot) dB above the others from \(devices) devices")
        for (sensor, gain) in gains where sensor != "b" {
            #expect(abs(gain - othersMean) < 2, "sensor \(sensor) learnt \(gain - othersMean) dB")
        }
        // The later shoppers, placed once the gain is learnt, are placed better than without.
        let late = learnt.suffix(30).sorted(), lateModel = model.suffix(30).sorted()
        #expect(late.median < 0.8 * lateModel.median, "median \(late.median) m learning, \(lateModel.median) m without")
    }

    @Test func oneDeviceStandingStillMovesTheGainsLittle() {
        var locator = Self.locator(learning: true)
        _ = Self.shoppers(1, seed: 9, locator: &locator)
        var rng = SplitMix64(seed: 11)
        let spot = Point(x: 4, y: 5)
        // Then five more minutes of the same phone, standing where sensor "d" is 6 dB weaker
        // than the model (a shelf between them): its place, not the sensor.
        for second in 60..<360 {
            let t = Double(second)
            for sensor in Self.store.sensors {
                let rssi = modelRSSI(sensor, at: spot, in: Self.store, noise: 3, using: &rng) - (sensor.id == "d" ? 6 : 0)
                locator.observe(Observation(time: t, sensor: sensor.id, device: "shopper-0", rssi: rssi))
            }
            _ = locator.estimate(at: t)
        }
        for entry in locator.sensorGains() {
            #expect(abs(entry.decibels) < 1.2, "sensor \(entry.sensor): \(entry.decibels) dB from one device")
            #expect(entry.devices <= 1 + 1e-9)
        }
    }

    @Test func aSensorWhosePathLossTheStoreFileStatesKeepsIt() {
        var layout = Self.store
        layout.sensors[1].pathLoss[.ble] = PathLoss(rssiAt1m: -59, exponent: 2.2)
        var locator = Locator(layout: layout, configuration: PositioningConfiguration())
        _ = Self.shoppers(3, seed: 6, locator: &locator)
        #expect(locator.sensorGains().map(\.sensor) == ["a", "c", "d", "e", "f"])
    }

    @Test func theMultilaterationEngineLearnsNoGains() {
        var configuration = PositioningConfiguration()
        configuration.engine = .multilateration
        var locator = Locator(layout: Self.store, configuration: configuration)
        _ = Self.shoppers(3, seed: 2, locator: &locator)
        #expect(locator.sensorGains().isEmpty)
    }

    @Test func aSurveyedSensorKeepsTheSurveysFit() {
        // Sensors a, b and c surveyed at a few points each; d, e and f not.
        var rng = SplitMix64(seed: 3)
        var survey: [SurveySample] = []
        for (i, sensor) in Self.store.sensors.prefix(3).enumerated() {
            for k in 0..<12 {
                let point = Point(x: 1 + Double(k) * 1.5, y: 2 + Double(i) * 3)
                survey.append(
                    SurveySample(
                        time: Double(k), sensor: sensor.id, device: "tag",
                        rssi: modelRSSI(sensor, at: point, in: Self.store, noise: 2, using: &rng), point: point))
            }
        }
        var locator = Self.locator(learning: true, survey: survey)
        _ = Self.shoppers(10, seed: 4, locator: &locator)
        #expect(locator.sensorGains().map(\.sensor) == ["d", "e", "f"])
    }
}
