import FootfallCore
import Positioning
import Testing

/// The locate stage end to end on a 10 m square with a sensor in each corner, readings from
/// the default path-loss model (no survey), 2 Hz.
@Suite struct LocatorTests {
    static let engines = PositioningConfiguration.Engine.allCases

    func locator(_ engine: PositioningConfiguration.Engine) -> Locator {
        var configuration = PositioningConfiguration()
        configuration.engine = engine
        // These readings get symmetric Gaussian noise; the default model expects real radio,
        // where bodies and shelves only ever take signal away.
        configuration.attenuationSpread = 1
        return Locator(layout: squareStore, configuration: configuration)
    }

    @Test(arguments: engines)
    func aDeviceInTheMiddleOfFourSensorsIsPlacedWithinHalfAMetre(engine: PositioningConfiguration.Engine) throws {
        var locator = locator(engine)
        let estimate = try #require(feed(&locator, at: Point(x: 5, y: 5), from: 0, to: 5))
        #expect(estimate.position.distance(to: Point(x: 5, y: 5)) < 0.5)
        #expect(estimate.sensorsHeard == 4)
    }

    @Test(arguments: engines)
    func aShopperInACornerIsPlacedWithinOneMetre(engine: PositioningConfiguration.Engine) throws {
        var locator = locator(engine)
        let corner = Point(x: 0.7, y: 9.3)
        let estimate = try #require(feed(&locator, at: corner, from: 0, to: 10, noise: 3))
        #expect(estimate.position.distance(to: corner) < 1.0)
    }

    @Test(arguments: engines)
    func oneSensorHeardPlacesTheShopperWithinOneAndAHalfMetresInTheSensorsCorner(engine: PositioningConfiguration.Engine) throws {
        // Only sensor b (10, 0) hears the shopper, 2.1 m from it.
        var locator = locator(engine)
        let truth = Point(x: 8.5, y: 1.5)
        let estimate = try #require(feed(&locator, at: truth, sensors: ["b"], from: 0, to: 5))
        #expect(estimate.position.distance(to: truth) < 1.5)
        #expect(estimate.sensorsHeard == 1)
        #expect(estimate.uncertainty > 0.5)
    }

    @Test(arguments: engines)
    func twoSensorsHeardPlaceTheShopperWithinOneAndAHalfMetresAlongTheirAxis(engine: PositioningConfiguration.Engine) throws {
        // Sensors a (0, 0) and b (10, 0): the readings fix x; y only through the absolute level.
        var locator = locator(engine)
        let truth = Point(x: 3, y: 1)
        let estimate = try #require(feed(&locator, at: truth, sensors: ["a", "b"], from: 0, to: 5))
        #expect(abs(estimate.position.x - truth.x) < 1.5)
    }

    @Test(arguments: engines)
    func aSensorThatGoesSilentLeavesTheEstimateWithinOneAndAHalfMetres(engine: PositioningConfiguration.Engine) throws {
        var locator = locator(engine)
        // Sensor c (10, 10), the farthest, goes silent; a, b and d still fix the position.
        let truth = Point(x: 3, y: 4)
        feed(&locator, at: truth, from: 0, to: 5, noise: 3, seed: 3)
        let estimate = try #require(feed(&locator, at: truth, sensors: ["a", "b", "d"], from: 5.5, to: 15, noise: 3, seed: 4))
        #expect(estimate.position.distance(to: truth) < 1.5)
        #expect(estimate.sensorsHeard == 3)
    }

    @Test(arguments: engines)
    func anOutlierOfPlus42DecibelMilliwattsMovesTheEstimateLessThanTenCentimetres(engine: PositioningConfiguration.Engine) throws {
        var clean = locator(engine)
        var spiked = locator(engine)
        let truth = Point(x: 2, y: 3)
        feed(&clean, at: truth, from: 0, to: 5)
        feed(&spiked, at: truth, from: 0, to: 5)
        spiked.observe(Observation(time: 5.2, sensor: "c", device: "phone", rssi: 42))
        let a = try #require(feed(&clean, at: truth, from: 5.5, to: 6))
        let b = try #require(feed(&spiked, at: truth, from: 5.5, to: 6))
        #expect(a.position.distance(to: b.position) < 0.1)
    }

    @Test(arguments: engines)
    func aWalkingShopperIsFollowedWithAMeanErrorUnderOneAndAHalfMetres(engine: PositioningConfiguration.Engine) throws {
        // Walks west to east along y = 5 at 1 m/s with 5 dB of fading; scored after the first
        // second. Lag counts as error.
        var locator = locator(engine)
        var rng = SeededGenerator(seed: 9)
        var errors: [Double] = []
        for step in 0...16 {
            let t = Double(step) * 0.5
            let truth = Point(x: 1 + t, y: 5)
            for sensor in squareStore.sensors {
                let rssi = modelRSSI(sensor, at: truth, in: squareStore, noise: 5, using: &rng)
                locator.observe(Observation(time: t, sensor: sensor.id, device: "walker", rssi: rssi))
            }
            let estimate = try #require(locator.estimate(at: t).first)
            if t >= 1 { errors.append(estimate.position.distance(to: truth)) }
        }
        print("walking \(engine): mean \(errors.reduce(0, +) / Double(errors.count)) m, worst \(errors.max() ?? 0) m")
        #expect(errors.reduce(0, +) / Double(errors.count) < 1.5)
    }

    @Test func aDeviceUnheardForTheWindowGetsNoEstimateAndIsForgottenAfterwards() {
        var locator = locator(.grid)
        feed(&locator, at: Point(x: 5, y: 5), from: 0, to: 2)
        #expect(locator.estimate(at: 2 + 4).count == 1)
        #expect(locator.estimate(at: 2 + 6).isEmpty)
        #expect(locator.estimate(at: 2 + 31).isEmpty)
        feed(&locator, at: Point(x: 5, y: 5), from: 40, to: 40)
        #expect(locator.estimate(at: 40).count == 1)
    }

    @Test func aSensorNotInTheLayoutIsIgnored() {
        var locator = locator(.grid)
        locator.observe(Observation(time: 0, sensor: "elsewhere", device: "phone", rssi: -60))
        #expect(locator.estimate(at: 0).isEmpty)
    }

    @Test func theShopperIsInTheEastZoneAfterItsEnterTime() throws {
        var locator = locator(.grid)
        let early = try #require(feed(&locator, at: Point(x: 8, y: 5), from: 0, to: 2))
        #expect(early.zone == nil)
        let later = try #require(feed(&locator, at: Point(x: 8, y: 5), from: 2.5, to: 5))
        #expect(later.zone == "east")
    }
}

/// A long store where the grid's probability box covers only part of the floor.
@Suite struct LongStoreTests {
    static let layout = StoreLayout(
        id: "long", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 40, y: 10)),
        sensors: (0...8).flatMap { i -> [Sensor] in
            [
                Sensor(id: SensorID("s\(i)"), position: Point3(x: Double(i) * 5, y: 0, z: 2.5)),
                Sensor(id: SensorID("n\(i)"), position: Point3(x: Double(i) * 5, y: 10, z: 2.5)),
            ]
        })

    @Test func aDeviceThatReappearsAcrossTheStoreIsFoundWithinOneMetreThreeSecondsLater() throws {
        var symmetric = PositioningConfiguration()
        symmetric.attenuationSpread = 1  // the noise here is symmetric Gaussian
        var locator = Locator(layout: Self.layout, configuration: symmetric)
        feed(&locator, at: Point(x: 3, y: 5), from: 0, to: 10, noise: 4, seed: 11)
        // The same identity now heard 30 m away (say, a second phone with a cloned beacon id).
        let estimate = try #require(feed(&locator, at: Point(x: 35, y: 4), from: 10.5, to: 13, noise: 4, seed: 12))
        #expect(estimate.position.distance(to: Point(x: 35, y: 4)) < 1.0)
    }
}

@Suite struct OutsideTests {
    @Test(arguments: PositioningConfiguration.Engine.allCases)
    func aPasserBySixMetresOutsideTheWallIsReportedOutsideAndAShopperByTheWallInside(
        engine: PositioningConfiguration.Engine
    ) throws {
        var configuration = PositioningConfiguration()
        configuration.engine = engine
        var outside = Locator(layout: squareStore, configuration: configuration)
        var byTheWall = Locator(layout: squareStore, configuration: configuration)
        let passerBy = try #require(feed(&outside, at: Point(x: 5, y: -6), from: 0, to: 5, noise: 4))
        let shopper = try #require(feed(&byTheWall, at: Point(x: 5, y: 0.5), from: 0, to: 5, noise: 4))
        #expect(!passerBy.insideStore)
        #expect(shopper.insideStore)
    }
}
