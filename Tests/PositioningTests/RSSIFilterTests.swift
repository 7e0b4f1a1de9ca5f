import FootfallCore
import Positioning
import Testing

@Suite struct RSSIFilterTests {
    let plausible: ClosedRange<Double> = -115 ... -10

    @Test func anOutlierOfPlus42DecibelMilliwattsIsRejectedAndTheLevelMovesUnderOneDecibel() throws {
        var filter = RSSIFilter()
        for t in 0..<6 { filter.add(rssi: -70, at: Double(t) * 0.2, plausible: plausible, gate: 15, window: 5) }
        let before = try #require(filter.level(at: 1.2, window: 5))
        let accepted = filter.add(rssi: 42, at: 1.2, plausible: plausible, gate: 15, window: 5)
        #expect(!accepted)
        let after = try #require(filter.level(at: 1.2, window: 5))
        #expect(abs(after.rssi - before.rssi) < 1)
    }

    @Test func aSingleReadingThirtyDecibelsAboveTheRecentMedianIsRejected() {
        var filter = RSSIFilter()
        for t in 0..<6 { filter.add(rssi: -70 + Double(t % 2), at: Double(t) * 0.2, plausible: plausible, gate: 15, window: 5) }
        let spike = filter.add(rssi: -40, at: 1.2, plausible: plausible, gate: 15, window: 5)
        let ordinary = filter.add(rssi: -72, at: 1.4, plausible: plausible, gate: 15, window: 5)
        #expect(!spike)
        #expect(ordinary)
    }

    @Test func threeConsistentReadingsAtANewLevelAreFollowedWithinThreeReadings() throws {
        var filter = RSSIFilter()
        for t in 0..<6 { filter.add(rssi: -80, at: Double(t) * 0.2, plausible: plausible, gate: 15, window: 5) }
        var accepted: [Bool] = []
        for t in 6..<9 { accepted.append(filter.add(rssi: -50, at: Double(t) * 0.2, plausible: plausible, gate: 15, window: 5)) }
        #expect(accepted == [false, false, true])
        let level = try #require(filter.level(at: 1.6, window: 0.1))
        #expect(abs(level.rssi - -50) < 0.001)
    }

    @Test func pendingReadingsAreAveragedOnceAndThenCleared() throws {
        var filter = RSSIFilter()
        filter.add(rssi: -60, at: 0, plausible: plausible, gate: 15, window: 5)
        filter.add(rssi: -64, at: 0.5, plausible: plausible, gate: 15, window: 5)
        let first = filter.takePending()
        let second = filter.takePending()
        let pending = try #require(first)
        #expect(pending.count == 2)
        #expect(abs(pending.rssi - -62) < 1e-9)
        #expect(second == nil)
    }

    @Test func readingsOlderThanTheWindowNoLongerCountInTheLevel() {
        var filter = RSSIFilter()
        filter.add(rssi: -60, at: 0, plausible: plausible, gate: 15, window: 5)
        #expect(filter.level(at: 6, window: 5) == nil)
    }
}
