import FootfallCore

/// Each sensor's gain: how much louder (dB) it hears every device than its path-loss model
/// says, learnt from the readings of all the devices the grid places.
///
/// Receivers of one make differ by several dB (antenna, enclosure, mounting, the wall behind
/// it), and a store file gives every sensor the same model unless a survey measured it. A
/// sensor 6 dB louder than its model makes every device look twice as close to it. What the
/// sensor does to all devices is its own: after each estimate, every reading's residual
/// against the level the map expects over the estimate's distribution (less the phone's own
/// offset, which the grid fits) is evidence of the sensor's gain.
///
/// One device's residuals also carry the shadowing fixed to the places it stood and its own
/// estimate's errors, which a gain learnt from it alone would bake in. So the evidence is
/// counted in devices: a device's mean residual at a sensor counts as n / (n + `witnessBatches`)
/// of a device after n batches, the gain is the evidence's sum over the devices over
/// (`priorDevices` + their count), and it fades beyond `memoryDevices` devices so that a
/// sensor moved or replaced is followed. In a store with shoppers coming and going the gain is
/// learnt within minutes; a recording of one tag moves it little.
///
/// The prior's devices are a guess at how far receivers differ against how noisy one device's
/// evidence is. Once the sensors have each been taught by that many devices, the readings say it
/// themselves (`shrinkBySpread`): each sensor's mean residual over its devices is noisy by their
/// spread over their number plus the shadowing over the places they stood, and what the sensors'
/// means spread beyond that noise is how far the receivers differ. Each gain is then its mean
/// shrunk towards the sensors' common level by that measured spread (empirical Bayes) — nearly
/// whole where receivers differ by several dB, towards nothing where they are alike — taking
/// over from the prior as the devices double.
///
/// Sensors a survey measured, and sensors whose path loss the store file states (`calibrate
/// fit` writes it from a survey), are not learnt: their model is already a measurement.
struct SensorGains: Sendable {
    /// Gain per sensor (dB): its readings are taken as `rssi − gain` against the map.
    private(set) var gain: [Double]
    /// Per sensor, the devices' evidence: Σ weight · mean residual, and Σ weight (the devices'
    /// worth of evidence behind its gain).
    private var evidence: [Double]
    private(set) var devices: [Double]
    /// Per sensor, Σ weight · (a device's mean residual)²: with `evidence`, the devices' spread.
    private var squares: [Double]
    /// Per sensor, the places (`placeSize` squares) its evidence came from.
    private var places: [Set<Int>]
    /// Per sensor, how many places evidence taken back after a restart came from. The places
    /// themselves are not kept, and shoppers stand where they stood before: the places counted
    /// are the more of these and of those seen since (`placeCount`).
    private var placesBefore: [Int]
    /// Per sensor, whether `squares` and the places hold all its evidence: not for a gain
    /// taken back without them (kept by an older version), which keeps to the prior.
    private var spreadKnown: [Bool]
    /// Standard deviation (dB) of the shadowing fixed to a place, and the size (m) of a place.
    let shadowing: Double
    let placeSize: Double
    /// Scratch for `shrinkBySpread`, kept to allocate nothing per estimate.
    private var scratchSensors: [Int] = [], scratchMeans: [Double] = [], scratchNoises: [Double] = []
    /// Per sensor, whether its gain is learnt.
    let learnt: [Bool]
    /// Devices' worth of evidence a gain starts from at 0 (the model's).
    let priorDevices: Double

    /// Batches after which a device's mean residual at a sensor counts as half a device.
    static let witnessBatches = 50.0
    /// Devices' worth of evidence kept; beyond it the oldest fades.
    static let memoryDevices = 200.0

    /// The fewest sensors whose means the spread between receivers is estimated from: the
    /// spread of two or three says little of it.
    static let spreadSensors = 4

    init(learnt: [Bool], priorDevices: Double, shadowing: Double, placeSize: Double) {
        self.learnt = learnt
        self.priorDevices = max(priorDevices, 0)
        self.shadowing = max(shadowing, 0)
        self.placeSize = max(placeSize, 0.1)
        gain = Array(repeating: 0, count: learnt.count)
        evidence = gain
        devices = gain
        squares = gain
        places = Array(repeating: [], count: learnt.count)
        placesBefore = Array(repeating: 0, count: learnt.count)
        spreadKnown = Array(repeating: true, count: learnt.count)
    }

    /// The place a device stood at `point`, as `learn` counts places.
    func place(of point: Point) -> Int {
        Int((point.x / placeSize).rounded(.down)) &* 100_003 &+ Int((point.y / placeSize).rounded(.down))
    }

    /// Once the sensors whose spread is known have been taught by the prior's devices each, on
    /// average, takes each one's gain partly (fully at twice the prior's devices) from the spread
    /// between them: its mean residual shrunk towards their common level by τ² / (τ² + its
    /// noise), where its noise is its devices' spread over their number plus `shadowing`² over
    /// its places, and τ² is how far the sensors' means spread beyond their noise.
    mutating func shrinkBySpread() {
        guard priorDevices > 0 else { return }
        scratchSensors.removeAll(keepingCapacity: true)
        var within = 0.0, taught = 0.0
        for s in learnt.indices where learnt[s] && spreadKnown[s] && devices[s] >= 1 {
            let mean = evidence[s] / devices[s]
            within += max(squares[s] - devices[s] * mean * mean, 0)
            taught += devices[s]
            scratchSensors.append(s)
        }
        let count = Double(scratchSensors.count)
        guard scratchSensors.count >= Self.spreadSensors, taught / count > priorDevices else { return }
        let handover = min(taught / count / priorDevices - 1, 1)
        let deviceVariance = within / taught
        scratchMeans.removeAll(keepingCapacity: true)
        scratchNoises.removeAll(keepingCapacity: true)
        var level = 0.0, noise = 0.0
        for s in scratchSensors {
            let mean = evidence[s] / devices[s]
            let n = deviceVariance / devices[s] + shadowing * shadowing / Double(max(placeCount(s), 1))
            scratchMeans.append(mean)
            scratchNoises.append(n)
            level += mean
            noise += n
        }
        level /= count
        noise /= count
        var spread = 0.0
        for mean in scratchMeans { spread += (mean - level) * (mean - level) }
        spread /= count - 1
        let tau2 = max(spread - noise, 0.01)
        for (i, s) in scratchSensors.enumerated() {
            let shrunk = level + (scratchMeans[i] - level) * tau2 / (tau2 + scratchNoises[i])
            let prior = evidence[s] / (priorDevices + devices[s])
            gain[s] = prior + handover * (shrunk - prior)
        }
    }

    /// One device's evidence so far, per sensor: its mean residual and the batches behind it.
    struct Witness: Sendable {
        var mean: [Double] = []
        var batches: [Double] = []
        /// Per sensor, the place it last counted this device at: a device standing still is
        /// counted once, not at every batch.
        var place: [Int] = []
    }

    /// Takes one reading's residual `residual` (dB, against the map with the gain removed, so
    /// the sensor's whole gain as this reading sees it), of weight `weight` (≤ 1: how sure the
    /// estimate is), from the device whose evidence is `witness`.
    mutating func learn(sensor s: Int, residual: Double, weight: Double, place: Int? = nil, witness: inout Witness) {
        guard s < learnt.count, learnt[s], weight > 0, residual.isFinite else { return }
        if witness.mean.count != learnt.count {
            witness.mean = Array(repeating: 0, count: learnt.count)
            witness.batches = witness.mean
            witness.place = Array(repeating: .min, count: learnt.count)
        }
        let n0 = witness.batches[s], m0 = witness.mean[s]
        let n1 = n0 + weight
        let m1 = m0 + (residual - m0) * weight / n1
        witness.batches[s] = n1
        witness.mean[s] = m1
        // The device's share of a device before and after, its old evidence replaced.
        let w0 = n0 / (n0 + Self.witnessBatches), w1 = n1 / (n1 + Self.witnessBatches)
        var sum = evidence[s] + w1 * m1 - w0 * m0
        var square = squares[s] + w1 * m1 * m1 - w0 * m0 * m0
        var count = devices[s] + w1 - w0
        if count > Self.memoryDevices {
            sum *= Self.memoryDevices / count
            square *= Self.memoryDevices / count
            count = Self.memoryDevices
        }
        evidence[s] = sum
        squares[s] = square
        devices[s] = count
        if let place, witness.place[s] != place {
            places[s].insert(place)
            witness.place[s] = place
        }
        gain[s] = sum / (priorDevices + count)
    }

    /// The places sensor `s`'s evidence came from: those seen, or as many as before a restart.
    private func placeCount(_ s: Int) -> Int { max(places[s].count, placesBefore[s]) }

    /// What sensor `s`'s devices have taught, per device's worth (`LearntRadioValue.Spread`),
    /// for the daemon to keep across a restart; nil where it is not learnt, nothing was taught,
    /// or it was taken back without it.
    func spread(sensor s: Int) -> LearntRadioValue.Spread? {
        guard s < learnt.count, learnt[s], spreadKnown[s], devices[s] > 0 else { return nil }
        return LearntRadioValue.Spread(
            mean: evidence[s] / devices[s], meanSquare: squares[s] / devices[s], places: Double(placeCount(s)))
    }

    /// Takes back a gain learnt before (by the daemon before a restart) as though `devices`
    /// devices had taught it, at most `memoryDevices`. With what they taught (`spread`), the
    /// sensor goes on as before the restart, its gain shrunk by the sensors' spread again at
    /// the next device; without, it keeps to the prior. False where this sensor is not learnt
    /// or a value is not a number.
    mutating func restore(sensor s: Int, gain value: Double, devices count: Double, spread: LearntRadioValue.Spread? = nil) -> Bool {
        guard s < learnt.count, learnt[s], value.isFinite, count.isFinite, count > 0 else { return false }
        let kept = min(count, Self.memoryDevices)
        devices[s] = kept
        gain[s] = value
        places[s] = []
        if let spread, spread.mean.isFinite, spread.meanSquare.isFinite, spread.places.isFinite, spread.places >= 0 {
            evidence[s] = spread.mean * kept
            squares[s] = max(spread.meanSquare, spread.mean * spread.mean) * kept
            placesBefore[s] = Int(spread.places.rounded())
            spreadKnown[s] = true
        } else {
            evidence[s] = value * (priorDevices + kept)
            squares[s] = 0
            placesBefore[s] = 0
            spreadKnown[s] = false
        }
        return true
    }
}

/// How far the building's path-loss exponent lies from the model's, learnt from the devices
/// (`Locator.learntExponent`): positive where levels fall faster with distance than the model
/// says (shelving, people), negative where slower (an open hall, a corridor).
public struct LearntExponent: Sendable, Hashable {
    public var deviation: Double
    public var devices: Double
    public init(deviation: Double, devices: Double) {
        self.deviation = deviation
        self.devices = devices
    }
}

/// A sensor's learnt gain: how much louder (dB) than its model it hears devices, and the
/// devices' worth of evidence behind it (`Locator.sensorGains`).
public struct SensorGain: Sendable, Hashable {
    public var sensor: SensorID
    public var decibels: Double
    public var devices: Double

    public init(sensor: SensorID, decibels: Double, devices: Double) {
        self.sensor = sensor
        self.decibels = decibels
        self.devices = devices
    }
}
