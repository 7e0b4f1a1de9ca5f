import Foundation

/// What a sensor's silence says about where a device is, learnt from the readings themselves.
///
/// A sensor that heard nothing of a device in a batch either could not (the device is far
/// enough that its packets arrive below the receiver's sensitivity) or missed it anyway: a
/// scan window that did not overlap the advertisements, a collision, a phone whose own scan
/// was cut short. So
///
///     P(silent | cell) = 1 − ρ · Φ((μ(c) + b − floor) / σ_d),
///
/// with μ(c) + b the level the map expects at the cell, `floor` the receivers' sensitivity,
/// σ_d the spread of the detection threshold and ρ = 1 − q the share of batches a sensor
/// within range does hear. Silence then costs at most −log q nats, however loud the map says
/// the device should be: with a phone that misses four beacons in ten (as real scans do), a
/// batch heard by one or two sensors no longer throws the estimate across the room, and with
/// receivers that hear nearly every batch (q small) silence keeps its full weight.
///
/// Both unknowns are physical and measured from the stream, not set per store:
/// - q, the miss rate of a sensor within range, from the sensors that heard a device in both
///   of its previous two batches: how often they miss the next one. It depends on how many
///   packets the batch held (a phone advertising ten times a second is rarely missed for a
///   whole second; one advertising once is missed as often as a packet is), so it is kept
///   for batches of 1, 2, 3–4, 5–8 and more packets, a batch's count being the most any
///   sensor heard of it;
/// - the floor, the level of the weakest readings the receivers report (their 1st
///   percentile), unless the store file gives `receiver_sensitivity`.
struct SilenceModel: Sendable {
    /// Miss rate of a one-packet batch assumed before any has been seen (its n-packet
    /// counterpart is this to the n-th), and its weight in batches.
    static let priorMissRate = 0.2
    static let priorWeight = 20.0
    /// The smallest packet count of each bucket.
    static let bucketStarts = [1, 2, 3, 5, 9]

    static func bucket(packets: Int) -> Int {
        var b = 0
        while b + 1 < bucketStarts.count, packets >= bucketStarts[b + 1] { b += 1 }
        return b
    }
    /// Counts are halved beyond this, so the estimate follows a change (a busier radio band).
    static let memory = 20_000.0
    /// The floor is read off the histogram once it holds this many readings.
    static let readingsForFloor = 200
    /// Share of readings below the learnt floor.
    static let floorQuantile = 0.01
    static let missRateRange = 1e-4 ... 0.9
    /// A sensor whose last reading was this many `rssi_noise` above the floor is surely within
    /// range: its silence in the next batch is a miss, not the device walking away.
    static let withinRange = 3.0

    /// The level `withinRange` × `rssiNoise` above the floor: a sensor whose last reading was
    /// at least this is surely within range of the device.
    func surelyWithinRange(rssiNoise: Double) -> Double { floor + Self.withinRange * rssiNoise }

    private var hits = [Double](repeating: 0, count: bucketStarts.count)
    private var misses = [Double](repeating: 0, count: bucketStarts.count)
    /// Accepted readings by whole dBm, from −150 (index 0) to 0.
    private var histogram = [Int](repeating: 0, count: 151)
    private var readings = 0
    /// The configured floor, or nil to learn it.
    let configuredFloor: Double?
    let defaultFloor: Double
    private(set) var floor: Double
    /// Per bucket, −log(1 − ρΦ(x)) sampled at `tableStep` over [−tableLimit, tableLimit], for
    /// the ρ it was made for, and its last value once more: the position clamped to the end
    /// interpolates towards that copy by zero instead of taking a branch (`loss`).
    private(set) var tables: [[Double]] = Array(repeating: [], count: bucketStarts.count)
    private var tableRho = [Double](repeating: -1, count: bucketStarts.count)
    static let tableLimit = 8.0
    static let tableStep = 0.02

    init(configuredFloor: Double?, defaultFloor: Double = -95) {
        self.configuredFloor = configuredFloor
        self.defaultFloor = defaultFloor
        floor = configuredFloor ?? defaultFloor
        for b in tables.indices { rebuildTable(b) }
    }

    /// The miss rate of a sensor within range, for a batch of a bucket's packets.
    func missRate(bucket b: Int) -> Double {
        let prior = pow(Self.priorMissRate, Double(Self.bucketStarts[b]))
        let q = (misses[b] + prior * Self.priorWeight) / (hits[b] + misses[b] + Self.priorWeight)
        return min(max(q, Self.missRateRange.lowerBound), Self.missRateRange.upperBound)
    }

    /// A sensor within range (it heard the device's two previous batches) heard, or missed,
    /// the next one, of `packets` packets.
    mutating func record(heard: Bool, packets: Int) {
        let b = Self.bucket(packets: packets)
        if heard { hits[b] += 1 } else { misses[b] += 1 }
        if hits[b] + misses[b] > Self.memory {
            hits[b] /= 2
            misses[b] /= 2
        }
    }

    /// A reading accepted by a sensor's filter.
    mutating func record(rssi: Double) {
        guard configuredFloor == nil else { return }
        let bin = Int((rssi + 150).rounded())
        guard bin >= 0, bin < histogram.count else { return }
        histogram[bin] += 1
        readings += 1
    }

    /// Brings the floor and the lookup table up to date with what has been recorded; called
    /// once per round of estimates, not per reading.
    mutating func refresh() {
        if configuredFloor == nil, readings >= Self.readingsForFloor {
            let target = Double(readings) * Self.floorQuantile
            var below = 0
            for (bin, count) in histogram.enumerated() {
                below += count
                if Double(below) >= target {
                    floor = Double(bin) - 150
                    break
                }
            }
        }
        for b in tables.indices where abs((1 - missRate(bucket: b)) - tableRho[b]) > 0.005 { rebuildTable(b) }
    }

    private mutating func rebuildTable(_ b: Int) {
        let rho = 1 - missRate(bucket: b)
        tableRho[b] = rho
        let count = Int((2 * Self.tableLimit / Self.tableStep).rounded()) + 1
        tables[b] = (0..<count + 1).map { n in
            let i = min(n, count - 1)
            let x = -Self.tableLimit + Double(i) * Self.tableStep
            // Detected when above the floor: 2Φ(x) − 1 = erf(x/√2) for x > 0, none below.
            // Φ(x) = erfc(−x/√2)/2
            let detected = 0.5 * erfc(-x / 2.0.squareRoot())
            return -log(max(1 - rho * detected, 1e-300))
        }
    }

    /// Where a standardized margin x = (expected level − floor)/σ_d falls in the table, in steps
    /// from its start.
    @inline(__always)
    static func tablePosition(_ x: Double) -> Double { (x + tableLimit) / tableStep }

    /// −log P(silent) at a position in the table (`tablePosition`), interpolated: apart from the
    /// position, whose division the grid filter makes four cells at a time. `count` is the
    /// table's samples, without the copy of the last one at the end. Positions beyond either
    /// end are clamped instead of branched on: at the clamped ends the fraction is 0, and
    /// t + 0 · (t′ − t) is t itself, the same bits the end's value had.
    @inline(__always)
    static func loss(_ table: UnsafePointer<Double>, count: Int, atPosition position: Double) -> Double {
        let clamped = min(max(position, 0), Double(count - 1))
        let i = Int(clamped)
        let f = clamped - Double(i)
        return table[i] + f * (table[i &+ 1] - table[i])
    }
}
