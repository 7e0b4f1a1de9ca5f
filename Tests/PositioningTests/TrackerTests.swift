import FootfallCore
import FootfallTesting
import Positioning
import Testing

@Suite struct TrackerTests {
    @Test func aFixTenMetresAwayAfterHalfASecondIsDoubtedUntilTwoMoreAgree() {
        var tracker = Tracker(acceleration: 0.5, maximumSpeed: 2)
        for t in 0..<10 { tracker.update(fix: Point(x: 1, y: 1), xx: 0.25, xy: 0, yy: 0.25, at: Double(t) * 0.5) }
        let first = tracker.update(fix: Point(x: 11, y: 1), xx: 0.25, xy: 0, yy: 0.25, at: 5)
        #expect(!first)
        #expect(tracker.position.distance(to: Point(x: 1, y: 1)) < 0.5)
        tracker.update(fix: Point(x: 11, y: 1), xx: 0.25, xy: 0, yy: 0.25, at: 5.5)
        tracker.update(fix: Point(x: 11, y: 1), xx: 0.25, xy: 0, yy: 0.25, at: 6)
        #expect(tracker.position.distance(to: Point(x: 11, y: 1)) < 0.5)
    }

    @Test func aSteadyWalkIsTrackedCloserThanTheRawFixesAndNeverFasterThanTheLimit() {
        // Fixes with 30 cm of noise per axis, every half second, walking at 1 m/s.
        var tracker = Tracker(acceleration: 0.5, maximumSpeed: 2)
        var rng = SplitMix64(seed: 5)
        var errors: [Double] = []
        var rawErrors: [Double] = []
        for step in 0...60 {
            let t = Double(step) * 0.5
            let fix = Point(x: t + 0.3 * rng.gaussian(), y: 2 + 0.3 * rng.gaussian())
            tracker.update(fix: fix, xx: 0.09, xy: 0, yy: 0.09, at: t)
            let speed = (tracker.state[2] * tracker.state[2] + tracker.state[3] * tracker.state[3]).squareRoot()
            #expect(speed <= 2 + 1e-9)
            if step >= 20 {
                errors.append(tracker.position.distance(to: Point(x: t, y: 2)))
                rawErrors.append(fix.distance(to: Point(x: t, y: 2)))
            }
        }
        let tracked = errors.reduce(0, +) / Double(errors.count)
        let raw = rawErrors.reduce(0, +) / Double(rawErrors.count)
        #expect(tracked < raw)
        #expect(tracked < 0.35)
    }
}
