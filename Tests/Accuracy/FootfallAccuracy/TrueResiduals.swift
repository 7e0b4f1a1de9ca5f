import Calibration
import FootfallCore
import Foundation

/// What each sensor's gain would be learnt as from the devices' true positions: per sensor, the
/// mean of its readings less the level its path-loss model gives at the true place, each less
/// the mean of its one-second batch (the phone's own offset, as the locator fits it). Written
/// beside the learnt gains by `--errors` for the simulated stores, whose truth has every
/// device's place each second: how far the learnt gains are from what the readings could teach
/// at all, with nothing wrong in the positions.
struct TrueResiduals {
    private let layout: StoreLayout
    private let index: [SensorID: Int]
    /// Each device's true places, in time order.
    private var places: [DeviceID: (times: [Double], points: [Point])] = [:]
    private var readings: [Observation] = []

    init(layout: StoreLayout) {
        self.layout = layout
        index = Dictionary(layout.sensors.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func add(_ observation: Observation) { readings.append(observation) }

    mutating func add(device: DeviceID, at time: Double, position: Point) {
        places[device, default: ([], [])].times.append(time)
        places[device, default: ([], [])].points.append(position)
    }

    /// Per sensor, the mean residual; sensors no batch of two or more heard are left out.
    func gains() -> [SensorID: Double] {
        struct Batch: Hashable {
            var device: DeviceID
            var second: Int
        }
        var batches: [Batch: [(sensor: Int, residual: Double)]] = [:]
        for o in readings {
            guard let s = index[o.sensor], let place = places[o.device],
                let i = CausalScoring.newest(in: place.times, atOrBefore: o.time)
            else { continue }
            let sensor = layout.sensors[s]
            let slant = sensor.position.distance(to: place.points[i], height: layout.deviceHeight)
            let expected = sensor.pathLoss(for: o.radio).rssi(atDistance: slant)
            batches[Batch(device: o.device, second: Int(o.time.rounded(.down))), default: []].append((s, o.rssi - expected))
        }
        var sum = [Double](repeating: 0, count: layout.sensors.count), count = sum
        for batch in batches.values where batch.count >= 2 {
            let mean = batch.reduce(0) { $0 + $1.residual } / Double(batch.count)
            for reading in batch {
                sum[reading.sensor] += reading.residual - mean
                count[reading.sensor] += 1
            }
        }
        var gains: [SensorID: Double] = [:]
        for (s, sensor) in layout.sensors.enumerated() where count[s] > 0 { gains[sensor.id] = sum[s] / count[s] }
        return gains
    }
}
