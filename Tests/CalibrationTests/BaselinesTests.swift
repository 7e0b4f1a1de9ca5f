import Calibration
import FootfallCore
import Foundation
import Testing

/// The accuracy benchmark's baselines on hand-made readings: which sensor is nearest, how the
/// centroids weigh, what kNN averages, and which readings each window holds.
@Suite struct BaselinesTests {
    /// Three sensors on the corners of a 10 m square, a fourth in the far corner.
    static let sensors = [
        Sensor(id: "a", position: Point3(x: 0, y: 0, z: 3)),
        Sensor(id: "b", position: Point3(x: 10, y: 0, z: 3)),
        Sensor(id: "c", position: Point3(x: 0, y: 10, z: 3)),
        Sensor(id: "d", position: Point3(x: 10, y: 10, z: 3)),
    ]

    static func expect(_ p: Point?, near q: Point, within tolerance: Double = 1e-9) {
        guard let p else {
            Issue.record("no position")
            return
        }
        #expect(p.distance(to: q) <= tolerance, "\(p) is not \(q)")
    }

    @Test func theNearestSensorIsTheStrongestOnesFloorPositionExactly() {
        let baselines = Baselines(sensors: Self.sensors)
        Self.expect(baselines.position(.nearest, means: [-70, -60, nil, -80]), near: Point(x: 10, y: 0))
        // Equal readings go to the sensor listed first, the same on every run.
        Self.expect(baselines.position(.nearest, means: [-65, -65, nil, nil]), near: Point(x: 0, y: 0))
        #expect(baselines.position(.nearest, means: [nil, nil, nil, nil]) == nil)
    }

    @Test func thePowerCentroidWeighsTheThreeStrongestByLinearPowerExactly() {
        let baselines = Baselines(sensors: Self.sensors)
        // 10 dB apart: weights 1, 0.1, 0.01; the weakest sensor (d) is left out.
        let p = baselines.position(.centroidPower, means: [-60, -70, -80, -90])
        let total = 1 + 0.1 + 0.01
        Self.expect(p, near: Point(x: 10 * 0.1 / total, y: 10 * 0.01 / total))
    }

    @Test func theDistanceCentroidWeighsBy10ToTheRSSIOver22Exactly() {
        let baselines = Baselines(sensors: Self.sensors)
        let p = baselines.position(.centroidDistance, means: [-60, -70, -80, -90])
        let wb = pow(10, -10.0 / 22), wc = pow(10, -20.0 / 22)
        let total = 1 + wb + wc
        Self.expect(p, near: Point(x: 10 * wb / total, y: 10 * wc / total))
    }

    @Test func twoEqualSensorsAloneGiveTheirMidpointExactly() {
        let baselines = Baselines(sensors: Self.sensors)
        for kind in [Baselines.Kind.centroidPower, .centroidDistance] {
            Self.expect(baselines.position(kind, means: [-70, nil, nil, -70]), near: Point(x: 5, y: 5))
        }
    }

    /// Six reference points along y = 0; sensor a fades and b grows along the line.
    static func lineSurvey() -> [SurveySample] {
        (0..<6).flatMap { i -> [SurveySample] in
            let point = Point(x: Double(i) * 2, y: 0)
            var samples = [
                // Two readings a point: the fingerprint is their mean.
                SurveySample(time: 0, sensor: "a", device: "tag", rssi: -50 - Double(i) * 5 - 1, point: point),
                SurveySample(time: 1, sensor: "a", device: "tag", rssi: -50 - Double(i) * 5 + 1, point: point),
                SurveySample(time: 0, sensor: "b", device: "tag", rssi: -75 + Double(i) * 5, point: point),
            ]
            // A sensor the survey does not know and a sample known by zone only are left out.
            samples.append(SurveySample(time: 0, sensor: "x", device: "tag", rssi: -40, point: point))
            samples.append(SurveySample(time: 0, sensor: "a", device: "tag", rssi: -40, point: nil, zone: "front"))
            return samples
        }
    }

    @Test func surveyFingerprintsAreTheMeanReadingAtEachPointWithMinus100ForUnheardSensors() {
        let baselines = Baselines(sensors: Self.sensors, survey: Self.lineSurvey())
        #expect(baselines.fingerprints.count == 6)
        #expect(baselines.fingerprints[2].point == Point(x: 4, y: 0))
        #expect(baselines.fingerprints[2].rssi == [-60, -65, -100, -100])
        #expect(baselines.methods.count == 16)
        #expect(Baselines(sensors: Self.sensors).methods.count == 12)
    }

    @Test func kNNAveragesTheFiveNearestReferencePointsUnweightedExactly() {
        let baselines = Baselines(sensors: Self.sensors, survey: Self.lineSurvey())
        // The query is the fingerprint of x = 0: the five nearest in signal space are x = 0…8.
        Self.expect(baselines.position(.knn, means: [-50, -75, nil, nil]), near: Point(x: 4, y: 0))
        // The fingerprint of x = 10: x = 2…10.
        Self.expect(baselines.position(.knn, means: [-75, -50, nil, nil]), near: Point(x: 6, y: 0))
        // Without a survey there is no kNN.
        #expect(Baselines(sensors: Self.sensors).position(.knn, means: [-50, -75, nil, nil]) == nil)
    }

    @Test func kNNCountsASensorHeardOnlyByTheQueryAgainstMinus100() {
        let baselines = Baselines(sensors: Self.sensors, survey: Self.lineSurvey())
        // Sensor c at −100 in the query is the fingerprints' own value: nothing changes.
        Self.expect(baselines.position(.knn, means: [-50, -75, -100, nil]), near: Point(x: 4, y: 0))
    }

    /// Readings of one device: a at 0 s (−50) and 3 s (−70), b at 4.5 s (−60) and 6 s (−80).
    static func log() -> ReadingLog {
        var log = ReadingLog(sensors: sensors.map(\.id))
        for (time, sensor, rssi) in [(0.0, "a", -50.0), (3, "a", -70), (4.5, "b", -60), (6, "b", -80)] {
            log.add(Observation(time: time, sensor: SensorID(sensor), device: "phone", rssi: rssi))
        }
        log.add(Observation(time: 1, sensor: "unknown", device: "phone", rssi: -40))
        return log
    }

    @Test func aWindowHoldsReadingsAfterItsStartAndUpToAndIncludingItsEnd() throws {
        let log = Self.log()
        let readings = try #require(log.readings(of: "phone"))
        #expect(readings.times == [0, 3, 4.5, 6])
        var oneSecond = WindowMeans(span: 1, sensorCount: 4)
        var twoSeconds = WindowMeans(span: 2, sensorCount: 4)
        var fiveSeconds = WindowMeans(span: 5, sensorCount: 4)
        var all = WindowMeans(span: nil, sensorCount: 4)
        // At 5 s: (4, 5] holds b; (3, 5] leaves out a's reading at exactly 3 s; (0, 5] leaves
        // out the one at exactly 0 s; all readings so far average a's two.
        #expect(oneSecond.means(at: 5, over: readings) == [nil, -60, nil, nil])
        #expect(twoSeconds.means(at: 5, over: readings) == [nil, -60, nil, nil])
        #expect(fiveSeconds.means(at: 5, over: readings) == [-70, -60, nil, nil])
        #expect(all.means(at: 5, over: readings) == [-60, -60, nil, nil])
        // At 6 s the reading stamped 6 s is in; b's mean over all is (−60 − 80) / 2.
        #expect(oneSecond.means(at: 6, over: readings) == [nil, -80, nil, nil])
        #expect(all.means(at: 6, over: readings) == [-60, -70, nil, nil])
        // Far later, a window is empty again.
        #expect(fiveSeconds.means(at: 20, over: readings) == [nil, nil, nil, nil])
    }

    @Test func readingsAddedOutOfOrderAreSortedByTime() throws {
        var log = ReadingLog(sensors: ["a"])
        for time in [3.0, 1, 2] { log.add(Observation(time: time, sensor: "a", device: "phone", rssi: -time)) }
        let readings = try #require(log.readings(of: "phone"))
        #expect(readings.times == [1, 2, 3])
        #expect(readings.rssi == [-1, -2, -3])
    }

    @Test func aBaselineUsesNoReadingAfterTheSampleAndHasNoPositionBeforeTheFirst() {
        let log = Self.log()
        let baselines = Baselines(sensors: Self.sensors)
        let samples = [
            CausalScoring.Sample(time: -1, device: "phone", truth: .point(Point(x: 0, y: 0))),
            // At 4 s only a has been heard (b first at 4.5 s): the nearest sensor is a, error 0.
            CausalScoring.Sample(time: 4, device: "phone", truth: .point(Point(x: 0, y: 0))),
            CausalScoring.Sample(time: 4, device: "someone else", truth: .point(Point(x: 0, y: 0))),
        ]
        let errors = baselines.errors(samples, log: log)
        let nearestAll = errors[Baselines.Method(.nearest, .all)]!
        #expect(nearestAll[0] == .infinity)
        #expect(nearestAll[1] == 0)
        #expect(nearestAll[2] == .infinity)
        // (3, 4] holds nothing: no reading in the last second, no position.
        #expect(errors[Baselines.Method(.nearest, .seconds(1))]![1] == .infinity)
        #expect(errors[Baselines.Method(.nearest, .seconds(2))]![1] == 0)
    }

    @Test func onlyTheKindsAskedForAreComputed() {
        let log = Self.log()
        let baselines = Baselines(sensors: Self.sensors, survey: Self.lineSurvey())
        let samples = [CausalScoring.Sample(time: 5, device: "phone", truth: .point(.zero))]
        let errors = baselines.errors(samples, log: log, kinds: [.knn])
        #expect(Set(errors.keys) == Set(Baselines.windows.map { Baselines.Method(.knn, $0) }))
    }
}
