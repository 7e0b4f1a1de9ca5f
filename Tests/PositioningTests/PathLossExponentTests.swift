import FootfallCore
import FootfallTestTraits
import FootfallTesting
import Positioning
import Testing

/// Where the store file leaves the path loss to the default model, the building's exponent is
/// a guess: the grid fits its deviation at each cell beside the phone's offset, and learns the
/// building's from all the devices (docs/positioning.md, `path_loss_exponent_spread`,
/// `path_loss_exponent_local_spread`). A building that attenuates faster or slower than the
/// model is placed better than with the exponent held and its exponent is learnt; one that
/// matches the model is placed about as well; a sensor whose path loss is stated keeps its
/// exponent exactly.
@Suite(.onItsOwnThread) struct PathLossExponentTests {
    /// The 20 × 12 m store of `SensorGainTests`: six sensors 2.8 m up, three along each long side.
    static let store = SensorGainTests.store

    /// Shoppers standing `seconds` each at random places, each phone with its own offset (±5 dB),
    /// heard every second by every sensor with 3 dB of noise through a building whose path loss
    /// falls off with `exponent` from the model's −59 dBm at 1 m. Each shopper's last estimate's
    /// error, sorted, and the exponent learnt. `fitted` false holds the exponent at the model's.
    static func run(
        exponent: Double, fitted: Bool, layout: StoreLayout = store, seed: UInt64, seconds: Int = 20
    ) -> (errors: [Double], learnt: LearntExponent?) {
        var configuration = PositioningConfiguration()
        if !fitted { configuration.holdingTheExponent() }
        var locator = Locator(layout: layout, configuration: configuration)
        var rng = SplitMix64(seed: seed)
        let building = PathLoss(rssiAt1m: -59, exponent: exponent)
        var errors: [Double] = []
        for shopper in 0..<40 {
            let spot = Point(x: 1 + 18 * rng.unit(), y: 1 + 10 * rng.unit())
            let phone = 5 * (2 * rng.unit() - 1)
            let device = DeviceID("shopper-\(shopper)")
            var last: PositionEstimate?
            for second in 0..<seconds {
                let t = Double(shopper * seconds + second)
                for sensor in layout.sensors {
                    let d = sensor.position.distance(to: spot, height: layout.deviceHeight)
                    let rssi = building.rssi(atDistance: d) + phone + 3 * rng.gaussian()
                    locator.observe(Observation(time: t, sensor: sensor.id, device: device, rssi: rssi))
                }
                last = locator.estimate(at: t).first { $0.device == device } ?? last
            }
            errors.append(last.map { $0.position.distance(to: spot) } ?? .infinity)
        }
        return (errors.sorted(), locator.learntExponent())
    }

    /// Three stores' worth of shoppers (120), sorted.
    static func pooled(exponent: Double, fitted: Bool) -> [Double] {
        [UInt64(21), 22, 23].flatMap { run(exponent: exponent, fitted: fitted, seed: $0).errors }.sorted()
    }

    /// A steeper building gains most (1.11 against 1.24 m when written), a flatter one less
    /// (0.72 against 0.78 m): in this small store its sensors are all near enough to be heard
    /// well either way.
    @Test(arguments: [(3.2, 0.92), (1.7, 0.99)])
    func aBuildingThatAttenuatesOtherwiseThanTheModelIsPlacedBetter(exponent: Double, ratio: Double) {
        let fitted = Self.pooled(exponent: exponent, fitted: true)
        let held = Self.pooled(exponent: exponent, fitted: false)
        print("exponent \(exponent): median \(fitted.median) m fitted, \(held.median) m held")
        #expect(
            fitted.median < ratio * held.median,
            "exponent \(exponent): median \(fitted.median) m fitted, \(held.median) m held")
    }

    /// Fitting what is not there costs a little: the fit takes in some of the noise.
    @Test func aBuildingThatMatchesTheModelLosesLittle() {
        let fitted = Self.pooled(exponent: 2.2, fitted: true)
        let held = Self.pooled(exponent: 2.2, fitted: false)
        #expect(fitted.median < 1.1 * held.median, "median \(fitted.median) m fitted, \(held.median) m held")
    }

    /// 40 shoppers of a minute each teach the building's exponent: on the right side of the
    /// model's, a fifth of the way when written (+0.20 of +1.0, −0.10 of −0.5): each batch's
    /// fit leans on the prior, and the 40 are about 16 devices' evidence against the prior's
    /// 12. As devices keep coming the learnt value moves on to where the batches agree with it.
    @Test func theBuildingsExponentIsLearntFromTheShoppers() throws {
        let steeper = try #require(Self.run(exponent: 3.2, fitted: true, seed: 24, seconds: 60).learnt)
        let flatter = try #require(Self.run(exponent: 1.7, fitted: true, seed: 24, seconds: 60).learnt)
        let matching = try #require(Self.run(exponent: 2.2, fitted: true, seed: 24, seconds: 60).learnt)
        print("exponent learnt: 3.2 → \(steeper), 1.7 → \(flatter), 2.2 → \(matching)")
        #expect(steeper.devices > 12 && steeper.devices < 40)
        #expect(steeper.deviation > 0.15 && steeper.deviation < 1.0, "3.2 learnt as 2.2 + \(steeper.deviation)")
        #expect(flatter.deviation < -0.07 && flatter.deviation > -0.5, "1.7 learnt as 2.2 + \(flatter.deviation)")
        #expect(abs(matching.deviation) < 0.06, "2.2 learnt as 2.2 + \(matching.deviation)")
        #expect(Self.run(exponent: 3.2, fitted: false, seed: 24).learnt == nil)
    }

    /// What fitting the exponent costs where the readings follow the model's exactly: by the
    /// storefront of the 10 m square (OutsideTests), an inside shopper's readings fit a
    /// passer-by's with a steeper exponent, so one 1.5 m in is taken for a passer-by more
    /// often (a visit missed or late); passers-by are still called outside.
    @Test func byTheStorefrontAnUnknownExponentMakesInsideLessSure() {
        let store = OutsideTests.storefront
        let inside3 = OutsideTests.share(store, .grid, at: Point(x: 5, y: 3), inside: true, exponentKnown: false)
        let inside15 = OutsideTests.share(store, .grid, at: Point(x: 5, y: 1.5), inside: true, exponentKnown: false)
        let known15 = OutsideTests.share(store, .grid, at: Point(x: 5, y: 1.5), inside: true)
        let passer = OutsideTests.share(store, .grid, at: Point(x: 5, y: -2), inside: false, exponentKnown: false)
        print("storefront, exponent fitted: inside 3 m in \(inside3), 1.5 m in \(inside15) (\(known15) known); passer-by 2 m out outside \(passer)")
        #expect(inside3 >= 0.95)
        #expect(inside15 >= 0.6 && inside15 <= known15)
        #expect(passer >= 0.95)
    }

    @Test func sensorsWhosePathLossIsStatedKeepTheirExponent() {
        var layout = Self.store
        for s in layout.sensors.indices { layout.sensors[s].pathLoss[.ble] = PathLoss(rssiAt1m: -59, exponent: 2.2) }
        let fitted = Self.run(exponent: 3.2, fitted: true, layout: layout, seed: 23)
        let held = Self.run(exponent: 3.2, fitted: false, layout: layout, seed: 23)
        #expect(fitted.errors == held.errors)
        #expect(fitted.learnt == nil)
    }

    @Test func theSpreadIsASettingWithItsRange() throws {
        let (store, _) = try PositioningSettingsTests.store(["path_loss_exponent_spread: 0.4", "path_loss_exponent_local_spread: 0"])
        #expect(try PositioningConfiguration(store).pathLossExponentSpread == 0.4)
        #expect(try PositioningConfiguration(store).pathLossExponentLocalSpread == 0)
        let error = try #require(try PositioningSettingsTests.error(["path_loss_exponent_spread: 4"]))
        #expect(error.field == "positioning.path_loss_exponent_spread")
    }
}
