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
/// Sensors a survey measured, and sensors whose path loss the store file states (`calibrate
/// fit` writes it from a survey), are not learnt: their model is already a measurement.
struct SensorGains: Sendable {
    /// Gain per sensor (dB): its readings are taken as `rssi − gain` against the map.
    private(set) var gain: [Double]
    /// Per sensor, the devices' evidence: Σ weight · mean residual, and Σ weight (the devices'
    /// worth of evidence behind its gain).
    private var evidence: [Double]
    private(set) var devices: [Double]
    /// Per sensor, whether its gain is learnt.
    let learnt: [Bool]
    /// Devices' worth of evidence a gain starts from at 0 (the model's).
    let priorDevices: Double

    /// Batches after which a device's mean residual at a sensor counts as half a device.
    static let witnessBatches = 50.0
    /// Devices' worth of evidence kept; beyond it the oldest fades.
    static let memoryDevices = 200.0

    init(learnt: [Bool], priorDevices: Double) {
        self.learnt = learnt
        self.priorDevices = max(priorDevices, 0)
        gain = Array(repeating: 0, count: learnt.count)
        evidence = gain
        devices = gain
    }

    /// One device's evidence so far, per sensor: its mean residual and the batches behind it.
    struct Witness: Sendable {
        var mean: [Double] = []
        var batches: [Double] = []
    }

    /// Takes one reading's residual `residual` (dB, against the map with the gain removed, so
    /// the sensor's whole gain as this reading sees it), of weight `weight` (≤ 1: how sure the
    /// estimate is), from the device whose evidence is `witness`.
    mutating func learn(sensor s: Int, residual: Double, weight: Double, witness: inout Witness) {
        guard s < learnt.count, learnt[s], weight > 0, residual.isFinite else { return }
        if witness.mean.count != learnt.count {
            witness.mean = Array(repeating: 0, count: learnt.count)
            witness.batches = witness.mean
        }
        let n0 = witness.batches[s], m0 = witness.mean[s]
        let n1 = n0 + weight
        let m1 = m0 + (residual - m0) * weight / n1
        witness.batches[s] = n1
        witness.mean[s] = m1
        // The device's share of a device before and after, its old evidence replaced.
        let w0 = n0 / (n0 + Self.witnessBatches), w1 = n1 / (n1 + Self.witnessBatches)
        var sum = evidence[s] + w1 * m1 - w0 * m0
        var count = devices[s] + w1 - w0
        if count > Self.memoryDevices {
            sum *= Self.memoryDevices / count
            count = Self.memoryDevices
        }
        evidence[s] = sum
        devices[s] = count
        gain[s] = sum / (priorDevices + count)
    }

    /// Takes back a gain learnt before (by the daemon before a restart) as though `devices`
    /// devices had taught it, at most `memoryDevices`. False where this sensor is not learnt or
    /// the value is not a number.
    mutating func restore(sensor s: Int, gain value: Double, devices count: Double) -> Bool {
        guard s < learnt.count, learnt[s], value.isFinite, count.isFinite, count > 0 else { return false }
        let kept = min(count, Self.memoryDevices)
        devices[s] = kept
        evidence[s] = value * (priorDevices + kept)
        gain[s] = value
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
