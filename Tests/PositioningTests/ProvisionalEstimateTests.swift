import FootfallCore
import FootfallTesting
import Foundation
import Positioning
import Testing

/// A device new to the locator, or back after a silence, is placed at once from its first
/// reading and again with each reading until the round at the next whole second. Those
/// estimates are provisional: the batch is not whole yet, so the sensors that have not spoken
/// are not taken as silent, and the round then takes the whole batch into the track as if no
/// estimate had been asked for in between, its zone too (docs/positioning.md, "Guarantees").
@Suite struct ProvisionalEstimateTests {
    /// Readings of one second, from a phone standing at `at`, one sensor at a time.
    static func batch(at point: Point, second: Double, seed: UInt64) -> [Observation] {
        var rng = SplitMix64(seed: seed)
        return squareStore.sensors.enumerated().map { k, sensor in
            Observation(
                time: second + 0.1 + 0.2 * Double(k), sensor: sensor.id, device: "phone",
                rssi: modelRSSI(sensor, at: point, in: squareStore, noise: 1, using: &rng))
        }
    }

    @Test func eachReadingOfTheFirstSecondPlacesTheDeviceAgainFromAllOfThem() throws {
        var locator = Locator(layout: squareStore, configuration: PositioningConfiguration())
        let standing = Point(x: 2, y: 3)
        var estimates: [PositionEstimate] = []
        for observation in Self.batch(at: standing, second: 3, seed: 1) {
            let asks = locator.observe(observation)
            #expect(asks, "reading at \(observation.time): the device has only provisional estimates")
            let estimate = locator.estimate(device: "phone", at: observation.time)
            estimates.append(try #require(estimate))
        }
        #expect(zip(estimates.map(\.time), [3.1, 3.3, 3.5, 3.7]).allSatisfy { abs($0 - $1) < 1e-9 })
        let first = try #require(estimates.first), last = try #require(estimates.last)
        // One sensor heard says only how far from it; four say where.
        #expect(last.uncertainty < first.uncertainty)
        #expect(last.position.distance(to: standing) < first.position.distance(to: standing), "at \(last.position), first at \(first.position), standing at \(standing)")
        #expect(last.position.distance(to: standing) < 2.5, "at \(last.position), standing at \(standing)")
        // Once the round has placed it, a reading waits for the next round.
        let round = locator.estimate(at: 4)
        #expect(round.contains { $0.device == "phone" })
        var rng = SplitMix64(seed: 2)
        let next = Observation(
            time: 4.2, sensor: squareStore.sensors[0].id, device: "phone",
            rssi: modelRSSI(squareStore.sensors[0], at: standing, in: squareStore, noise: 1, using: &rng))
        let asksAgain = locator.observe(next)
        #expect(!asksAgain)
    }

    @Test func provisionalEstimatesKeepToTheSpeedOfAShopperToo() {
        // A shopper walking the square's loop, heard by 1–4 sensors each half second, unheard
        // for 8 s (more than `window`) every 20 s: each time back, placed reading by reading.
        let configuration = PositioningConfiguration()
        var pairs = 0, provisional = 0
        for seed in 1...5 as ClosedRange<UInt64> {
            var locator = Locator(layout: squareStore, configuration: configuration)
            var rng = SplitMix64(seed: seed)
            var estimates: [PositionEstimate] = []
            for step in 0..<240 {
                let t = Double(step) * 0.5
                if t.truncatingRemainder(dividingBy: 20) >= 12 { continue }
                let position = Point(x: 5 + 3 * cos(t / 6), y: 5 + 3 * sin(t / 6))
                var sensors = squareStore.sensors
                for i in sensors.indices.reversed() { sensors.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                for (j, sensor) in sensors.prefix(Int(rng.next() % 4) + 1).enumerated() {
                    let time = t + 0.01 * Double(j + 1)
                    let observation = Observation(
                        time: time, sensor: sensor.id, device: "phone", rssi: modelRSSI(sensor, at: position, in: squareStore, noise: 6, using: &rng))
                    if locator.observe(observation), let estimate = locator.estimate(device: "phone", at: time) {
                        estimates.append(estimate)
                        provisional += 1
                    }
                }
                // The round at each whole second, after the half second before it.
                if t + 0.5 == (t + 0.5).rounded() { estimates += locator.estimate(at: t + 0.5).filter { $0.device == "phone" } }
            }
            for (a, b) in zip(estimates, estimates.dropFirst()) where b.time > a.time {
                let allowed = configuration.maximumSpeed * (b.time - a.time) + a.uncertainty + b.uncertainty
                #expect(a.position.distance(to: b.position) <= allowed + 1e-9, "seed \(seed): \(a.time) -> \(b.time)")
                pairs += 1
            }
        }
        #expect(provisional > 20)
        #expect(pairs > 400)
    }

    @Test(arguments: [false, true])
    func provisionalEstimatesLeaveTheTrackAsTheRoundAloneWouldHaveIt(afterASilence: Bool) throws {
        // Two locators hear the same; one is asked for every provisional estimate, the other
        // only for the rounds. A silence longer than `window` makes the device new again.
        let configuration = PositioningConfiguration()
        var asked = Locator(layout: squareStore, configuration: configuration)
        var rounds = Locator(layout: squareStore, configuration: configuration)
        var provisional = 0
        let seconds = afterASilence ? [0.0, 1, 2, 3, 20, 21, 22] : [0.0, 1, 2, 3]
        for (k, second) in seconds.enumerated() {
            let point = Point(x: second < 10 ? 2 : 7, y: 3 + 0.3 * Double(k % 4))
            for observation in Self.batch(at: point, second: second, seed: UInt64(k + 1)) {
                if asked.observe(observation) {
                    provisional += 1
                    let estimate = asked.estimate(device: "phone", at: observation.time)
                    #expect(estimate != nil)
                }
                rounds.observe(observation)
            }
            let askedRound = asked.estimate(at: second + 1), roundsRound = rounds.estimate(at: second + 1)
            let a = try #require(askedRound.first { $0.device == "phone" })
            let b = try #require(roundsRound.first { $0.device == "phone" })
            #expect(a.position == b.position, "second \(second + 1)")
            #expect(a.uncertainty == b.uncertainty)
            // A zone only provisional estimates were in is not held against the round's.
            #expect(a.zone == b.zone, "second \(second + 1)")
        }
        // The first second's four readings, and as many after the silence.
        #expect(provisional == (afterASilence ? 8 : 4))
    }

    @Test func aZoneDecidedByOneSensorAloneFollowsTheFirstEstimateOfSeveral() throws {
        // A phone standing 0.7 m inside the east half, 9.6 m from sensor b in its south-east
        // corner, heard for its first second by b alone (the others' packets lost), then by
        // all four. b alone says only how far: its estimate lies towards the store's middle
        // from b, in the west half.
        let standing = Point(x: 5.7, y: 8.5)
        var locator = Locator(layout: squareStore, configuration: PositioningConfiguration())
        let alone = try #require(feed(&locator, at: standing, sensors: ["b"], from: 0, to: 1))
        #expect(alone.sensorsHeard == 1)
        let whole = try #require(feed(&locator, at: standing, from: 1.5, to: 1.5, seed: 2))
        #expect(whole.sensorsHeard == 4)
        let containing = squareStore.zone(containing: whole.position)?.id
        // One sensor says how far, not where: its estimate's zone is not held by the margin
        // against the first estimate that places the phone.
        #expect(alone.zone != containing, "the test needs the lone sensor's estimate in the other zone: \(alone.position), then \(whole.position)")
        #expect(whole.zone == containing, "at \(whole.position) ± \(whole.uncertainty) m, after \(alone.position)")
    }
}
