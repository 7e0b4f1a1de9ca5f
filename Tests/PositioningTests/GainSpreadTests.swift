import FootfallCore
import FootfallTesting
import Testing

@testable import Positioning

/// Once the sensors have been taught by the prior's devices, each gain is shrunk by how far the
/// receivers are seen to differ rather than by the prior alone (`SensorGains.shrinkBySpread`,
/// docs/positioning.md "What knowing the receivers is worth").
@Suite struct GainSpreadTests {
    static let prior = 12.0
    static let batches = 100

    /// Each device stands at its own place and teaches every sensor `batches` residuals: the
    /// sensor's true gain, plus the device's own deviation there (`deviceNoise` dB, fixed while it
    /// stands), plus each batch's fading (3 dB).
    static func teach(
        _ gains: inout SensorGains, trueGains: [Double], devices: Int, deviceNoise: Double = 2, bySpread: Bool = true,
        after each: (SensorGains, Int) -> Void = { _, _ in }
    ) {
        var rng = SplitMix64(seed: 7)
        for device in 0..<devices {
            var witness = SensorGains.Witness()
            let place = gains.place(of: Point(x: Double(device % 20) * 2.5, y: Double(device / 20) * 2.5))
            let own = trueGains.map { $0 + deviceNoise * rng.gaussian() }
            for _ in 0..<batches {
                for s in trueGains.indices {
                    gains.learn(sensor: s, residual: own[s] + 3 * rng.gaussian(), weight: 1, place: place, witness: &witness)
                }
                if bySpread { gains.shrinkBySpread() }
            }
            each(gains, device)
        }
    }

    static func fresh(_ count: Int) -> SensorGains {
        SensorGains(learnt: Array(repeating: true, count: count), priorDevices: prior, shadowing: 4, placeSize: 2)
    }

    /// Mean absolute difference between the gains, less their mean, and the truth, less its.
    static func error(_ gains: [Double], _ truth: [Double]) -> Double {
        let g = gains.reduce(0, +) / Double(gains.count), t = truth.reduce(0, +) / Double(truth.count)
        return zip(gains, truth).map { abs(($0 - g) - ($1 - t)) }.reduce(0, +) / Double(gains.count)
    }

    @Test func receiversThatDifferAreLearntNearlyWholeOnceManyDevicesHaveTaughtThem() {
        let truth = [4.0, -4, 2, -2, 1, -1]
        var spread = Self.fresh(truth.count), prior = Self.fresh(truth.count)
        Self.teach(&spread, trueGains: truth, devices: 60)
        Self.teach(&prior, trueGains: truth, devices: 60, bySpread: false)
        #expect(spread.devices[0] > 2 * Self.prior, "\(spread.devices[0]) devices")
        // The prior alone still takes off devices / (prior + devices) of each, a fifth here.
        let learnt = Self.error(spread.gain, truth), priorOnly = Self.error(prior.gain, truth)
        #expect(learnt < 0.45 && learnt < 0.6 * priorOnly, "off by \(learnt) dB, by \(priorOnly) with the prior alone")
    }

    @Test func receiversAlikeAreShrunkTowardsTheirCommonLevel() {
        let truth = Array(repeating: 0.0, count: 6)
        var spread = Self.fresh(truth.count), prior = Self.fresh(truth.count)
        Self.teach(&spread, trueGains: truth, devices: 60, deviceNoise: 4)
        Self.teach(&prior, trueGains: truth, devices: 60, deviceNoise: 4, bySpread: false)
        let learnt = Self.error(spread.gain, truth), priorOnly = Self.error(prior.gain, truth)
        #expect(learnt < 0.1 && learnt < 0.5 * priorOnly, "apart by \(learnt) dB, by \(priorOnly) with the prior alone")
    }

    @Test func belowThePriorsDevicesTheGainIsThePriorsAndTheHandOverHasNoJump() {
        let truth = [6.0, -6, 3, -3, 0, 0]
        var prior = Self.fresh(truth.count)
        var priorGains: [[Double]] = []
        Self.teach(&prior, trueGains: truth, devices: 40, bySpread: false) { gains, _ in priorGains.append(gains.gain) }
        var spread = Self.fresh(truth.count)
        var previous = spread.gain
        var largestStep = 0.0, sameUntil = -1
        Self.teach(&spread, trueGains: truth, devices: 40) { gains, device in
            if gains.gain == priorGains[device], sameUntil == device - 1 { sameUntil = device }
            for s in truth.indices { largestStep = max(largestStep, abs(gains.gain[s] - previous[s])) }
            previous = gains.gain
        }
        // Until the sensors have been taught by the prior's devices (each device counts as 2/3 of
        // one after its 100 batches), the gains are the prior's exactly; after, they differ.
        let share = Double(Self.batches) / (Double(Self.batches) + SensorGains.witnessBatches)
        let lastPriors = Int((Self.prior / share).rounded(.down)) - 1
        #expect(sameUntil >= lastPriors - 1 && sameUntil <= lastPriors, "the prior's until device \(sameUntil)")
        #expect(spread.gain != prior.gain)
        // A device moves a gain by a fraction of a dB, through the hand-over too.
        #expect(largestStep < 1.0, "largest step \(largestStep) dB")
    }

    @Test func gainsTakenBackWithoutWhatTheirDevicesTaughtKeepToThePrior() {
        let truth = [4.0, -4, 2, -2, 1, -1]
        var gains = Self.fresh(truth.count)
        for s in truth.indices {
            let taken = gains.restore(sensor: s, gain: truth[s] * 0.5, devices: 30)
            #expect(taken)
        }
        var witness = SensorGains.Witness()
        gains.learn(sensor: 0, residual: 4, weight: 1, place: 0, witness: &witness)
        gains.shrinkBySpread()
        // Kept by a version that did not keep what the devices taught: its spread unknown,
        // each gain stays evidence / (prior + devices), restored at half its truth, moved by
        // one residual only.
        for s in truth.indices.dropFirst() { #expect(gains.gain[s] == truth[s] * 0.5) }
        let expected = (truth[0] * 0.5 * (Self.prior + 30) + 1 / (1 + SensorGains.witnessBatches) * 4) / (Self.prior + 30 + 1 / (1 + SensorGains.witnessBatches))
        #expect(abs(gains.gain[0] - expected) < 1e-9, "\(gains.gain[0]) against \(expected)")
    }

    @Test func gainsTakenBackWithWhatTheirDevicesTaughtGoOnAsIfNoRestartHadBeen() throws {
        let truth = [4.0, -4, 2, -2, 1, -1]
        var going = Self.fresh(truth.count)
        Self.teach(&going, trueGains: truth, devices: 30)
        // Kept as the daemon keeps it, and taken back by a new learner; and the same without
        // what the devices taught (an older version's rows).
        var restarted = Self.fresh(truth.count), gainsOnly = Self.fresh(truth.count)
        for s in truth.indices {
            let spread = try #require(going.spread(sensor: s))
            #expect(spread.places >= 1)
            let taken = restarted.restore(sensor: s, gain: going.gain[s], devices: going.devices[s], spread: spread)
            let takenAlone = gainsOnly.restore(sensor: s, gain: going.gain[s], devices: going.devices[s])
            #expect(taken && takenAlone)
            #expect(restarted.spread(sensor: s) == spread)
            #expect(gainsOnly.spread(sensor: s) == nil)
        }
        #expect(restarted.gain == going.gain)
        // Thirty more devices, at the places the first thirty stood: the restarted learner
        // shrinks by the spread as the one that went on does.
        Self.teach(&going, trueGains: truth, devices: 30)
        Self.teach(&restarted, trueGains: truth, devices: 30)
        Self.teach(&gainsOnly, trueGains: truth, devices: 30)
        for s in truth.indices { #expect(abs(restarted.gain[s] - going.gain[s]) < 0.05, "sensor \(s): \(restarted.gain[s]) against \(going.gain[s])") }
        // And nearer the truth than the gains kept alone, which keep to the prior.
        let restartedError = Self.error(restarted.gain, truth), priorError = Self.error(gainsOnly.gain, truth)
        #expect(restartedError < priorError, "off by \(restartedError) dB, by \(priorError) kept without the spread")
    }
}
