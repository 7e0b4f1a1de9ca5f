import FootfallCore
import FootfallTestTraits
import FootfallTesting
import Positioning
import Testing

/// What every estimate keeps to, whatever the readings: it moves no faster than a shopper can
/// (plus what it is unsure of), a device has one from its first reading, and a device in a
/// zone has that zone reported (docs/positioning.md, "Guarantees").
@Suite(.onItsOwnThread) struct GuaranteeTests {
    static let engines = PositioningConfiguration.Engine.allCases

    /// A shopper walking a loop around the square store at 1 m/s, heard in batches of 1–4
    /// random sensors every half second with 6 dB of noise: the sparse batches that pull an
    /// estimate across the room.
    static func walk(_ engine: PositioningConfiguration.Engine, seed: UInt64) -> [PositionEstimate] {
        var configuration = PositioningConfiguration()
        configuration.engine = engine
        var locator = Locator(layout: squareStore, configuration: configuration)
        var rng = SplitMix64(seed: seed)
        var estimates: [PositionEstimate] = []
        let corners = [Point(x: 2, y: 2), Point(x: 8, y: 2), Point(x: 8, y: 8), Point(x: 2, y: 8)]
        for step in 0..<240 {
            let t = Double(step) * 0.5
            // Along the loop's sides, 6 m each, at 1 m/s.
            let along = (t).truncatingRemainder(dividingBy: 24)
            let side = Int(along / 6)
            let from = corners[side], to = corners[(side + 1) % 4]
            let position = from + (to - from) * ((along - Double(side) * 6) / 6)
            let heard = Int(rng.next() % 4) + 1
            var sensors = squareStore.sensors
            for i in sensors.indices.reversed() {
                let j = Int(rng.next() % UInt64(i + 1))
                sensors.swapAt(i, j)
            }
            for sensor in sensors.prefix(heard) {
                let rssi = modelRSSI(sensor, at: position, in: squareStore, noise: 6, using: &rng)
                locator.observe(Observation(time: t, sensor: sensor.id, device: "phone", rssi: rssi))
            }
            estimates += locator.estimate(at: t).filter { $0.device == "phone" }
        }
        return estimates
    }

    @Test(arguments: engines)
    func noEstimateMovesFasterThanMaximumSpeedAllowsPlusItsUncertainty(engine: PositioningConfiguration.Engine) {
        let maximumSpeed = PositioningConfiguration().maximumSpeed
        var pairs = 0
        for seed in 1...10 as ClosedRange<UInt64> {
            let estimates = Self.walk(engine, seed: seed)
            #expect(estimates.count > 200)
            for (a, b) in zip(estimates, estimates.dropFirst()) {
                let allowed = maximumSpeed * (b.time - a.time) + a.uncertainty + b.uncertainty
                #expect(
                    a.position.distance(to: b.position) <= allowed + 1e-9,
                    "seed \(seed): moved \(a.position.distance(to: b.position)) m in \(b.time - a.time) s")
                pairs += 1
            }
        }
        #expect(pairs > 2_000)
    }

    @Test(arguments: engines)
    func oneBatchHeardOnlyByAFarSensorDoesNotThrowAStandingPhoneAcrossTheRoom(engine: PositioningConfiguration.Engine) throws {
        var configuration = PositioningConfiguration()
        configuration.engine = engine
        var locator = Locator(layout: squareStore, configuration: configuration)
        let standing = Point(x: 1.5, y: 1.5)
        let before = try #require(feed(&locator, at: standing, from: 0, to: 10, noise: 2))
        // One batch heard only by the far corner's sensor c (10, 10), as loud as if the phone
        // stood beside it: a reflection, or the phone's other side.
        let c = squareStore.sensors[2]
        var rng = SplitMix64(seed: 3)
        locator.observe(
            Observation(time: 10.5, sensor: c.id, device: "phone", rssi: modelRSSI(c, at: Point(x: 8.5, y: 8.5), in: squareStore, using: &rng)))
        let round = locator.estimate(at: 10.5)
        let after = try #require(round.first { $0.device == "phone" })
        let allowed = configuration.maximumSpeed * 0.5 + before.uncertainty + after.uncertainty
        #expect(after.position.distance(to: before.position) <= allowed + 1e-9)
        #expect(after.position.distance(to: standing) < 5, "at \(after.position), standing at \(standing)")
    }

    @Test(arguments: engines)
    func aDeviceHasAnEstimateFromItsFirstReading(engine: PositioningConfiguration.Engine) throws {
        var configuration = PositioningConfiguration()
        configuration.engine = engine
        var locator = Locator(layout: squareStore, configuration: configuration)
        let a = squareStore.sensors[0]
        var rng = SplitMix64(seed: 1)
        // One reading, stamped part way through a second: new to the locator, so it asks at once.
        let new = locator.observe(
            Observation(time: 3.2, sensor: a.id, device: "phone", rssi: modelRSSI(a, at: Point(x: 2, y: 2), in: squareStore, using: &rng)))
        #expect(new)
        let estimate = locator.estimate(device: "phone", at: 3.2)
        let first = try #require(estimate)
        #expect(first.time == 3.2)
        #expect(first.position.distance(to: Point(x: 2, y: 2)) < 4)
        // The round at a whole second includes the readings stamped at that second.
        var other = Locator(layout: squareStore, configuration: configuration)
        _ = other.observe(Observation(time: 4, sensor: a.id, device: "phone", rssi: -60))
        #expect(other.estimate(at: 4).contains { $0.device == "phone" })
    }

    @Test(arguments: engines)
    func aShopperInsideAStoreTiledByZonesAlwaysHasAZone(engine: PositioningConfiguration.Engine) {
        // The square store's two zones tile its floor: a device placed inside is in one of them.
        var blank = 0, inside = 0
        for seed in 1...10 as ClosedRange<UInt64> {
            for estimate in Self.walk(engine, seed: seed) where estimate.insideStore {
                inside += 1
                if estimate.zone == nil { blank += 1 }
            }
        }
        #expect(inside > 2_000)
        #expect(blank == 0, "\(blank) of \(inside) estimates inside the store had no zone")
    }

    @Test(arguments: engines)
    func aZoneIsReportedOnceThePositionIsInIt(engine: PositioningConfiguration.Engine) throws {
        // A zone covering the east half only: west of it is no zone.
        var layout = squareStore
        layout.zones = [Zone(id: "east", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 10)))]
        var configuration = PositioningConfiguration()
        configuration.engine = engine
        configuration.attenuationSpread = 1  // symmetric noise below
        for seed in 1...10 as ClosedRange<UInt64> {
            var locator = Locator(layout: layout, configuration: configuration)
            feed(&locator, at: Point(x: 2, y: 5), from: 0, to: 20, noise: 2, seed: seed)
            // Then standing well inside the east zone: within five seconds the zone is reported,
            // and from then on every estimate inside it keeps it.
            var reported: Double?
            var rng = SplitMix64(seed: seed + 100)
            for t in stride(from: 20.5, through: 40, by: 0.5) {
                for sensor in layout.sensors {
                    let rssi = modelRSSI(sensor, at: Point(x: 8, y: 5), in: layout, noise: 2, using: &rng)
                    locator.observe(Observation(time: t, sensor: sensor.id, device: "phone", rssi: rssi))
                }
                let round = locator.estimate(at: t)
                let estimate = try #require(round.first { $0.device == "phone" })
                if estimate.zone == "east", reported == nil { reported = t }
                if let reported, t > reported, layout.zones[0].polygon.contains(estimate.position) {
                    #expect(estimate.zone == "east", "seed \(seed) at \(t) s")
                }
            }
            let when = try #require(reported, "seed \(seed): east never reported")
            #expect(when - 20.5 <= 5, "seed \(seed): east reported \(when - 20.5) s after arriving")
        }
    }
}
