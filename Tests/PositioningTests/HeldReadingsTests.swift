import FootfallCore
import FootfallTestTraits
import FootfallTesting
@testable import Positioning
import Testing

/// A sensor's last batch held for the seconds until it is due to report the device again
/// (`HeldReadings`), and what that does for a device reported by sensors in turn.
@Suite(.onItsOwnThread) struct HeldReadingsTests {
    /// Sensor 0 reports the device at each of `times` at −70 dBm (3 packets).
    static func reported(at times: [Double], longest: Double = 5) -> HeldReadings {
        var held = HeldReadings(sensors: 2, longest: longest)
        for t in times { held.heard(sensor: 0, rssi: -70, count: 3, at: t) }
        return held
    }

    static func reading(_ held: HeldReadings, at time: Double, gain: Double = 0, surely: Double = -90, speed: Double = 0) -> GridFilter.Reading? {
        held.reading(of: 0, at: time, gain: gain, surely: surely, speed: speed, correlation: 2)
    }

    @Test func aSensorReportingEverySecondIsNeverHeld() {
        let held = Self.reported(at: Array(stride(from: 0.0, through: 20, by: 1)))
        // Silent in the next batch: a miss (or the device gone), not a sensor that is not due.
        #expect(Self.reading(held, at: 21) == nil)
        #expect(Self.reading(held, at: 22) == nil)
    }

    @Test func aGatedSensorIsHeldUntilItIsDueAgain() {
        // Every 4 s for a minute: its interval has come within 0.1 s of 4.
        let held = Self.reported(at: Array(stride(from: 0.0, through: 60, by: 4)))
        for age in [1.0, 2, 3] {
            let reading = Self.reading(held, at: 60 + age)
            #expect(reading?.sensor == 0)
            #expect(reading?.rssi == -70)
            #expect(reading?.count == 3 && reading?.held == true)
            #expect(reading?.weight == 1, "a device standing still shares all of its shadowing")
        }
        #expect(Self.reading(held, at: 64) == nil, "due again: its silence now counts")
        // Never longer than `longest` (the locator's `window`), whatever the interval.
        // With a 3 s window the 4 s gaps count as 3: held at 61 and 62, not at 63 (at 63 with
        // the 5 s window, above).
        #expect(Self.reading(held, at: 63) != nil)
        let shortWindow = Self.reported(at: Array(stride(from: 0.0, through: 60, by: 4)), longest: 3)
        #expect(Self.reading(shortWindow, at: 62) != nil)
        #expect(Self.reading(shortWindow, at: 63) == nil)
        // The sensor that never heard the device holds nothing.
        #expect(held.reading(of: 1, at: 61, gain: 0, surely: -90, speed: 0, correlation: 2) == nil)
    }

    @Test func gapsLongerThanTheWindowCountAsTheWindow() {
        // A device gone for 100 s and back: its sensor's interval is not taken as 100 s.
        var held = Self.reported(at: [0, 100], longest: 5)
        #expect(Self.reading(held, at: 101) != nil)  // interval 0.7 · 1 + 0.3 · 5 = 2.2: gated
        #expect(Self.reading(held, at: 102.5) == nil)
        held.heard(sensor: 0, rssi: -70, count: 3, at: 101)
        // 0.7 · 2.2 + 0.3 · 1 = 1.84: under two batches, a sensor that reports in most of them.
        #expect(Self.reading(held, at: 102) == nil)
    }

    @Test func aSensorThatMissesSomeBatchesIsNotHeld() {
        // Heard in three batches of four for a minute: its interval is 1.33 s, a miss is a miss.
        let held = Self.reported(at: Array(stride(from: 0.0, through: 60, by: 1)).filter { Int($0) % 4 != 3 })
        #expect(Self.reading(held, at: 61) == nil)
        // Every third batch: held (interval 3 after a minute).
        let gated = Self.reported(at: Array(stride(from: 0.0, through: 60, by: 3)))
        #expect(Self.reading(gated, at: 61)?.weight == 1)
        #expect(Self.reading(gated, at: 62) != nil)
        #expect(Self.reading(gated, at: 63) == nil)
    }

    @Test func aReadingNearTheFloorIsNotHeld() {
        let held = Self.reported(at: Array(stride(from: 0.0, through: 60, by: 4)))
        // −70 dBm less a 5 dB gain is −75: held above a threshold of −75, not above −74.
        #expect(Self.reading(held, at: 61, gain: 5, surely: -75)?.rssi == -75)
        #expect(Self.reading(held, at: 61, gain: 5, surely: -74) == nil)
    }

    @Test func aMovingDeviceHoldsLess() {
        let held = Self.reported(at: Array(stride(from: 0.0, through: 60, by: 4)))
        // 1 m/s for 2 s, with a 2 m correlation length: e^−1 of a fresh batch.
        let weight = Self.reading(held, at: 62, speed: 1)?.weight ?? 0
        #expect(abs(weight - 0.36787944117144233) < 1e-12)
        #expect((Self.reading(held, at: 61, speed: 1)?.weight ?? 0) > weight)
    }

    /// A phone 8 dB below the model standing near a corner of the 10 m square, each corner's
    /// sensor reporting it every 4 s, one a second in turn (3 packets, 2 dB of noise each): the
    /// error of its estimate after a minute, over 20 seeds.
    static func gatedInTurn(at point: Point, seed: UInt64) -> Double {
        var configuration = PositioningConfiguration()
        configuration.holdingTheExponent()
        var locator = Locator(layout: squareStore, configuration: configuration)
        var rng = SplitMix64(seed: seed)
        var last: PositionEstimate?
        for t in 0..<60 {
            let k = t % 4, sensor = squareStore.sensors[k]
            for packet in 0..<3 {
                let rssi = modelRSSI(sensor, at: point, in: squareStore, noise: 2, using: &rng) - 8
                _ = locator.observe(Observation(time: Double(t) + 0.1 + 0.3 * Double(packet), sensor: sensor.id, device: "phone", rssi: rssi))
            }
            last = locator.estimate(at: Double(t) + 1).first { $0.device == "phone" } ?? last
        }
        return last.map { $0.position.distance(to: point) } ?? .infinity
    }

    @Test func sensorsReportingInTurnPlaceAStandingPhone() {
        // Each batch fitted with the one sensor that reported alone, the phone's offset takes up
        // its level, and the estimate is drawn 0.8–1.4 m towards the middle (median over the
        // seeds, without held readings; 0.31–0.34 m with them, p90 0.54–0.56 m).
        for point in [Point(x: 2, y: 2), Point(x: 2, y: 8)] {
            let errors = acrossSeeds(20) { Self.gatedInTurn(at: point, seed: $0) }
            #expect(errors.median < 0.6, "\(point): median \(errors.median) m")
            #expect(errors.quantile(0.9) < 0.8, "\(point): p90 \(errors.quantile(0.9)) m")
        }
    }

    /// A phone of the model's level walking at 0.5 m/s across the square and back (from (1, 5) to
    /// (9, 5)), each sensor reporting it every 3 s in turn: the median error over the walk's
    /// estimates after the first 5 s.
    static func walkingGated(seed: UInt64) -> Double {
        var configuration = PositioningConfiguration()
        configuration.holdingTheExponent()
        var locator = Locator(layout: squareStore, configuration: configuration)
        var rng = SplitMix64(seed: seed)
        var errors: [Double] = []
        for t in 0..<32 {
            let along = Double(t % 16), x = t < 16 ? 1 + along / 2 : 9 - along / 2
            let point = Point(x: x, y: 5)
            for (k, sensor) in squareStore.sensors.enumerated() where (t + k) % 3 == 0 {
                for packet in 0..<3 {
                    let rssi = modelRSSI(sensor, at: point, in: squareStore, noise: 2, using: &rng)
                    _ = locator.observe(Observation(time: Double(t) + 0.1 + 0.3 * Double(packet), sensor: sensor.id, device: "phone", rssi: rssi))
                }
            }
            if t >= 5, let e = locator.estimate(at: Double(t) + 1).first(where: { $0.device == "phone" }) {
                errors.append(e.position.distance(to: point))
            }
        }
        return errors.sorted().median
    }

    @Test func aWalkingPhoneIsFollowed() {
        // Held readings of a walker weigh less the further it has walked since (e^−0.25 a second
        // at 0.5 m/s), and still help: 1.70 m in median over the seeds, p90 1.82 m, against 1.87 /
        // 2.05 m without them. (A gated walker is followed late, hence errors of metres.)
        let errors = acrossSeeds(20) { Self.walkingGated(seed: $0) }
        #expect(errors.median < 1.8, "median \(errors.median) m")
        #expect(errors.quantile(0.9) < 1.95, "p90 \(errors.quantile(0.9)) m")
    }

    /// The grid's posterior after one update of a fresh filter over the unit square with
    /// `readings`, under `silence`.
    static func posterior(_ readings: [GridFilter.Reading], silence: SilenceModel) -> [Double] {
        let outline = Outline(squareStore.outline)
        let grid = Grid(outline: outline, step: 0.5, maximumCells: 10_000)
        let map = RadioMap(
            grid: grid, sensors: squareStore.sensors, models: squareStore.sensors.map { PathLossModel(pathLoss: $0.pathLoss(for: .ble)) },
            deviceHeight: squareStore.deviceHeight, outline: outline)
        var configuration = PositioningConfiguration()
        configuration.holdingTheExponent()
        var filter = GridFilter(grid: grid)
        var scratch: [Double] = []
        filter.update(with: readings, map: map, configuration: configuration, scratch: &scratch, silence: silence)
        return filter.probability
    }

    @Test func aHeldReadingsPacketsDoNotPickTheMissRateOfTheBatchsSilences() {
        // Two silence models that agree on batches of one packet and not on batches of nine or
        // more: in one a sensor within range misses those nearly always, in the other nearly never.
        var often = SilenceModel(configuredFloor: -100), rarely = SilenceModel(configuredFloor: -100)
        for _ in 0..<2_000 {
            often.record(heard: false, packets: 9)
            rarely.record(heard: true, packets: 9)
        }
        often.refresh()
        rarely.refresh()
        var rng = SplitMix64(seed: 1)
        let at = Point(x: 2, y: 3)
        let a = modelRSSI(squareStore.sensors[0], at: at, in: squareStore, using: &rng)
        let b = modelRSSI(squareStore.sensors[1], at: at, in: squareStore, using: &rng)
        // Sensor a heard one packet in this batch; b's batch of nine, a few seconds old, is held.
        let batch = [GridFilter.Reading(sensor: 0, rssi: a, count: 1), GridFilter.Reading(sensor: 1, rssi: b, count: 9, held: true)]
        #expect(Self.posterior(batch, silence: often) == Self.posterior(batch, silence: rarely), "c's and d's silences weigh as in a batch of one packet")
        // Heard in this batch, b's nine packets do pick it.
        var fresh = batch
        fresh[1].held = false
        #expect(Self.posterior(fresh, silence: often) != Self.posterior(fresh, silence: rarely))
    }
}
