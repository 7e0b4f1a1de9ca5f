import FootfallCore
import FootfallTestTraits
import FootfallTesting
import Positioning
import Testing

/// What the locator learns of the store's radio (each sensor's gain, the building's exponent)
/// is taken back after a restart (`Locator.learntRadio()`, `restore(_:)`; the daemon keeps it
/// in its database), so the first shoppers after it are placed as well as the last before it;
/// a sensor moved or given a model since starts afresh.
@Suite(.onItsOwnThread) struct LearntRadioRestoreTests {
    static let store = SensorGainTests.store

    /// A locator that has placed 60 shoppers of a minute with sensor "b" 8 dB hot.
    static func taught() -> Locator {
        var locator = SensorGainTests.locator(learning: true)
        _ = SensorGainTests.shoppers(60, seed: 5, locator: &locator)
        return locator
    }

    @Test func aRestartedLocatorTakesBackEverythingLearntAndPlacesTheFirstShoppersAsWell() throws {
        let before = Self.taught()
        let values = before.learntRadio()
        // Six gains and the exponent, each with its evidence.
        #expect(values.filter { $0.kind == .sensorGain }.compactMap(\.sensor) == ["a", "b", "c", "d", "e", "f"])
        let exponent = try #require(values.first { $0.kind == .exponentDeviation })
        #expect(exponent.sensor == nil && exponent.devices > 12)
        #expect(values.allSatisfy { $0.radio == .ble && $0.devices > 0 })

        var restarted = SensorGainTests.locator(learning: true)
        let taken = restarted.restore(values)
        #expect(taken.restored == values.count && taken.ignored == 0)
        #expect(restarted.sensorGains() == before.sensorGains())
        #expect(restarted.learntExponent() == before.learntExponent())
        #expect(restarted.learntRadio() == values)

        // The next ten shoppers: placed as by the locator that never stopped, and better than
        // by one that starts afresh, which sensor "b" pulls until it has learnt it again.
        var fresh = SensorGainTests.locator(learning: true)
        var going = before
        let afterRestart = SensorGainTests.shoppers(10, seed: 8, locator: &restarted).sorted()
        let afterFresh = SensorGainTests.shoppers(10, seed: 8, locator: &fresh).sorted()
        let neverStopped = SensorGainTests.shoppers(10, seed: 8, locator: &going).sorted()
        print("first ten shoppers' median: restored \(afterRestart.median) m, afresh \(afterFresh.median) m, never stopped \(neverStopped.median) m")
        #expect(afterRestart.median < 0.8 * afterFresh.median)
        #expect(abs(afterRestart.median - neverStopped.median) < 0.05 * neverStopped.median + 0.05)
    }

    @Test func aSensorMovedOrGivenAModelSinceStartsAfresh() {
        let values = Self.taught().learntRadio()
        var layout = Self.store
        layout.sensors[1].position = Point3(x: 11, y: 3, z: 2.8)  // "b" moved a metre
        layout.sensors[4].pathLoss[.ble] = PathLoss(rssiAt1m: -60, exponent: 2.4)  // "e" given its model
        var locator = Locator(layout: layout, configuration: PositioningConfiguration())
        let taken = locator.restore(values)
        // "b" and "e" are not taken back. The exponent is: it was learnt against the default
        // model's 2.2, which the sensors still guessed ("e" is no longer one) still have.
        let gains = locator.sensorGains()
        #expect(gains.map(\.sensor) == ["a", "b", "c", "d", "f"])
        #expect(gains.first { $0.sensor == "b" }?.devices == 0)
        #expect(gains.filter { $0.sensor != "b" }.allSatisfy { $0.devices > 0 })
        #expect(locator.learntExponent()?.devices ?? 0 > 0)
        #expect(taken.restored == 5 && taken.ignored == 2)
    }

    @Test func anotherDefaultModelOrNoLearningTakesNothingBack() {
        let values = Self.taught().learntRadio()
        var configuration = PositioningConfiguration()
        configuration.holdingTheExponent()
        configuration.sensorGainLearning = false
        var holding = Locator(layout: Self.store, configuration: configuration)
        let taken = holding.restore(values)
        #expect(taken.restored == 0 && taken.ignored == values.count)
        #expect(holding.learntRadio().isEmpty)

        // A store file whose sensors all state their path loss: nothing is a guess.
        var stated = Self.store
        for s in stated.sensors.indices { stated.sensors[s].pathLoss[.ble] = PathLoss(rssiAt1m: -59, exponent: 2.2) }
        var measured = Locator(layout: stated, configuration: PositioningConfiguration())
        #expect(measured.restore(values).restored == 0)
        #expect(measured.learntRadio().isEmpty)
    }
}
