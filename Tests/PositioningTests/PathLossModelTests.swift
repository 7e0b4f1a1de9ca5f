import FootfallCore
import FootfallTesting
import Foundation
import Positioning
import Testing

@Suite struct PathLossModelTests {
    @Test func theFitRecoversKnownParametersWithinOneDecibelAndATenthOfTheExponentDespiteOutliers() throws {
        var rng = SplitMix64(seed: 42)
        let truth = PathLoss(rssiAt1m: -52, exponent: 2.4)
        var distances: [Double] = []
        var rssi: [Double] = []
        for i in 0..<2000 {
            let d = 0.8 + Double(i % 200) * 0.05
            distances.append(d)
            var value = truth.rssi(atDistance: d) + 5 * rng.gaussian()
            // One reading in ten is a deep fade or a reflection 20 dB off.
            if i % 10 == 3 { value += i % 20 == 3 ? -20 : 20 }
            rssi.append(value)
        }
        let fitted = try #require(PathLossModel.fit(distances: distances, rssi: rssi))
        #expect(abs(fitted.pathLoss.rssiAt1m - truth.rssiAt1m) < 1)
        #expect(abs(fitted.pathLoss.exponent - truth.exponent) < 0.1)
        #expect(abs(fitted.noise - 5) < 1)
    }

    @Test func samplesAllAtOneDistanceKeepTheFallbackExponentAndFitTheLevelWithinOneDecibel() throws {
        var rng = SplitMix64(seed: 7)
        let distances = [Double](repeating: 3, count: 100)
        let rssi = distances.map { PathLoss(rssiAt1m: -50, exponent: 2.2).rssi(atDistance: $0) + 2 * rng.gaussian() }
        let fitted = try #require(PathLossModel.fit(distances: distances, rssi: rssi, fallback: .bleDefault))
        #expect(fitted.pathLoss.exponent == PathLoss.bleDefault.exponent)
        #expect(abs(fitted.expectedRSSI(atDistance: 3) - PathLoss(rssiAt1m: -50, exponent: 2.2).rssi(atDistance: 3)) < 1)
    }

    @Test func fewerThanTenSamplesGiveNoFit() {
        #expect(PathLossModel.fit(distances: [1, 2, 3], rssi: [-50, -56, -60]) == nil)
    }
}
