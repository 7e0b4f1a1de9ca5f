import FootfallCore
import Foundation

/// Bayesian grid filter (a histogram filter, "Markov localization") over the radio map: the
/// probability that the device is in each cell, carried forward by a motion model and
/// multiplied by the likelihood of each batch of readings.
///
/// It accumulates evidence while a shopper stands still — where single fingerprints are
/// ambiguous between distant places with similar signals — and keeps several hypotheses until
/// the readings separate them, which a Kalman filter on single fixes cannot.
struct GridFilter: Sendable {
    /// Probability per dense cell (zero outside the outline), summing to 1.
    private(set) var probability: [Double]
    /// Time of the last prediction, nil before the first update.
    private(set) var time: Double?
    /// Posterior mean of the transmit offset (dB) at the last update.
    private(set) var offset: Double = 0

    /// One sensor's readings since the previous update.
    struct Reading: Sendable {
        var sensor: Int
        var rssi: Double
        var count: Int
    }

    init(grid: Grid) {
        probability = [Double](repeating: 0, count: grid.columns * grid.rows)
        let uniform = 1 / Double(grid.count)
        for cell in grid.cells { probability[cell] = uniform }
    }

    /// Motion model from the last update to `now`: a mixture of a browsing random walk and a
    /// walking displacement,
    ///     p′ = (1 − ε) · G(σ_browse) ∗ p + ε · G(σ_walk) ∗ p,
    ///     σ_browse² = 2·D·Δt + (step/2)²,  σ_walk² = (v·Δt)² + (step/2)²,
    /// where the (step/2)² term stands for the position's uncertainty within a cell.
    mutating func predict(
        to now: Double, velocity: Point = .zero, grid: Grid, configuration: PositioningConfiguration,
        cache: inout DiffusionCache
    ) {
        guard let last = time else {
            time = now
            return
        }
        let dt = now - last
        guard dt > 0 else { return }
        time = now
        let cellVariance = grid.step * grid.step / 4
        let browse = (2 * configuration.browsingDiffusion * dt + cellVariance).squareRoot()
        let walk = (pow(configuration.walkingSpeed * dt, 2) + cellVariance).squareRoot()
        let fraction = min(max(configuration.walkingFraction, 0), 1)
        var result = cache.diffuse(probability, sigma: browse, grid: grid)
        if fraction > 0 {
            // Only the walking share is carried along the tracked velocity: a browsing shopper
            // stays put whatever the track's recent velocity says.
            var walking = self
            if velocity != .zero { walking.advect(by: velocity * dt, grid: grid) }
            let walked = cache.diffuse(walking.probability, sigma: walk, grid: grid)
            for i in result.indices { result[i] = (1 - fraction) * result[i] + fraction * walked[i] }
        }
        probability = result
        normalize(grid: grid)
    }

    /// Moves the distribution by `shift` (the tracked velocity times the elapsed time): a walking
    /// shopper keeps going, which a random walk alone only follows with a lag. Each cell's mass
    /// is split bilinearly among the four cells around its destination; mass that would cross
    /// the outline stays where it is.
    mutating func advect(by shift: Point, grid: Grid) {
        let fx = shift.x / grid.step, fy = shift.y / grid.step
        let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
        let ax = fx - Double(ix), ay = fy - Double(iy)
        let moves = [
            (ix, iy, (1 - ax) * (1 - ay)), (ix + 1, iy, ax * (1 - ay)),
            (ix, iy + 1, (1 - ax) * ay), (ix + 1, iy + 1, ax * ay),
        ]
        var moved = [Double](repeating: 0, count: probability.count)
        for cell in grid.cells {
            let mass = probability[cell]
            guard mass > 0 else { continue }
            let column = cell % grid.columns, row = cell / grid.columns
            for (dc, dr, w) in moves where w > 0 {
                let c = column + dc, r = row + dr
                if c >= 0, c < grid.columns, r >= 0, r < grid.rows, grid.inside[r * grid.columns + c] {
                    moved[r * grid.columns + c] += mass * w
                } else {
                    moved[cell] += mass * w
                }
            }
        }
        probability = moved
    }

    /// Bayes' rule with the readings: p(c) ← p(c) · L(readings | c), L from a Huber loss on the
    /// residuals after removing the best transmit offset b(c) for that cell (profile likelihood):
    ///     rₛ = zₛ − μₛ(c),  b(c) = Σ rₛ/σₛ² / (Σ 1/σₛ² + 1/σ_b²),
    ///     −log L = Σ ρ((rₛ − b)/σₛ) + b²/2σ_b²,  ρ Huber with threshold k.
    /// A mean of n readings has σₛ² = σ²·(½ + ½/n): half the error (fading) averages out,
    /// half (the map's own error at that cell) does not.
    mutating func update(
        with readings: [Reading], map: RadioMap, configuration: PositioningConfiguration,
        scratch: inout [Double]
    ) {
        guard !readings.isEmpty else { return }
        let grid = map.grid
        let k = configuration.huberThreshold
        let sigma = max(configuration.rssiNoise, 0.1)
        let offsetPrecision = 1 / pow(max(configuration.transmitOffsetSigma, 0.01), 2)
        var precisions = [Double](repeating: 0, count: readings.count)
        var precisionSum = offsetPrecision
        for (i, reading) in readings.enumerated() {
            let n = Double(max(reading.count, 1))
            precisions[i] = 1 / (sigma * sigma * (0.5 + 0.5 / n))
            precisionSum += precisions[i]
        }
        if scratch.count < 2 * grid.count { scratch = [Double](repeating: 0, count: 2 * grid.count) }
        var lowest = Double.infinity
        let sensorCount = map.sensorCount
        map.expected.withUnsafeBufferPointer { expected in
            scratch.withUnsafeMutableBufferPointer { out in
                for slot in 0..<grid.count {
                    let base = slot * sensorCount
                    var weighted = 0.0
                    for (i, reading) in readings.enumerated() {
                        weighted += precisions[i] * (reading.rssi - expected[base + reading.sensor])
                    }
                    let b = weighted / precisionSum
                    var loss = 0.5 * b * b * offsetPrecision
                    for (i, reading) in readings.enumerated() {
                        let e = abs(reading.rssi - expected[base + reading.sensor] - b) * precisions[i].squareRoot()
                        loss += e <= k ? 0.5 * e * e : k * e - 0.5 * k * k
                    }
                    out[slot] = loss
                    out[grid.count + slot] = b
                    lowest = min(lowest, loss)
                }
            }
        }
        var offsetSum = 0.0, total = 0.0
        for (slot, cell) in grid.cells.enumerated() {
            probability[cell] *= exp(lowest - scratch[slot])
            total += probability[cell]
            offsetSum += probability[cell] * scratch[grid.count + slot]
        }
        if total > 0 { offset = offsetSum / total }
        normalize(grid: grid)
    }

    /// Mean and covariance of the position; the cell's own extent (step²/12 per axis) is added.
    func moments(grid: Grid) -> (mean: Point, xx: Double, xy: Double, yy: Double) {
        var mx = 0.0, my = 0.0
        for (slot, cell) in grid.cells.enumerated() {
            mx += probability[cell] * grid.centresX[slot]
            my += probability[cell] * grid.centresY[slot]
        }
        var xx = 0.0, xy = 0.0, yy = 0.0
        for (slot, cell) in grid.cells.enumerated() {
            let dx = grid.centresX[slot] - mx, dy = grid.centresY[slot] - my
            xx += probability[cell] * dx * dx
            xy += probability[cell] * dx * dy
            yy += probability[cell] * dy * dy
        }
        let cell = grid.step * grid.step / 12
        return (Point(x: mx, y: my), xx + cell, xy, yy + cell)
    }

    /// Rescales to a total of 1; a distribution that underflowed everywhere restarts uniform
    /// (the readings contradicted every cell: better to know nothing than to be sure of noise).
    private mutating func normalize(grid: Grid) {
        var total = 0.0
        for cell in grid.cells { total += probability[cell] }
        if total > 1e-300, total.isFinite {
            let scale = 1 / total
            for cell in grid.cells { probability[cell] *= scale }
            return
        }
        let uniform = 1 / Double(grid.count)
        for cell in grid.cells { probability[cell] = uniform }
    }
}
