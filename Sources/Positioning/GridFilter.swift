import FootfallCore
import Foundation

/// Bayesian grid filter (a histogram filter, "Markov localization") over the radio map: the
/// probability that the device is in each cell, carried forward by a motion model and
/// multiplied by the likelihood of each batch of readings.
///
/// It accumulates evidence while a shopper stands still — where single fingerprints are
/// ambiguous between distant places with similar signals — and keeps several hypotheses until
/// the readings separate them, which a Kalman filter on single fixes cannot.
///
/// Cost follows the area where the device may be, not the store's: the probability is kept
/// in a rectangle of cells (`box`) outside which it is negligible, and a cheap check over the
/// whole store (`surprise`) restarts the filter when the readings fit elsewhere much better.
struct GridFilter: Sendable {
    /// Probability per dense cell (zero outside the outline and outside `box`), summing to 1.
    private(set) var probability: [Double]
    /// The rectangle holding all non-negligible probability.
    private(set) var box: Grid.Box
    /// Time of the last prediction, nil before the first update.
    private(set) var time: Double?
    /// Posterior mean of the transmit offset (dB) at the last update.
    private(set) var offset: Double = 0
    /// Precision (1/dB²) of what the past updates say about the transmit offset, nil before
    /// the first: the offset is the phone's (and its carrying position's), constant over a
    /// visit, so it is learnt across updates instead of re-fitted freely to each batch.
    private(set) var offsetPrecision: Double?
    /// CUSUM of how much better the readings fit somewhere else in the store than inside the
    /// box, in nats.
    private var surprise = 0.0

    /// Probability below this fraction of the most probable cell's is dropped (a Gaussian's
    /// tail beyond 5.3σ); secondary hypotheses worth keeping are far more probable than that.
    static let negligible = 1e-6
    /// Evidence (nats) per update that a better fit elsewhere must exceed to count, and the
    /// accumulated evidence that restarts the filter: a lost track is restarted after a few
    /// updates, noise never accumulates.
    static let surpriseAllowance = 1.0

    /// One sensor's readings since the previous update.
    struct Reading: Sendable {
        var sensor: Int
        var rssi: Double
        var count: Int
    }

    /// Prior weight of a band cell against an inside one.
    let outsidePrior: Double

    init(grid: Grid, outsidePrior: Double = 1) {
        self.outsidePrior = max(outsidePrior, 0)
        probability = [Double](repeating: 0, count: grid.columns * grid.rows)
        box = grid.all
        restart(grid: grid)
    }

    /// Uniform over the store, the band outside weighted by `outsidePrior`.
    private mutating func restart(grid: Grid) {
        for i in probability.indices { probability[i] = 0 }
        for cell in grid.cells { probability[cell] = grid.withinOutline[cell] ? 1 : outsidePrior }
        box = grid.all
        surprise = 0
        normalize(grid: grid)
        // A lost track may have been lost through a wrong offset: start it from the prior again.
        offsetPrecision = nil
    }

    /// Motion model from the last update to `now`: a mixture of a browsing random walk and a
    /// walk carried along the tracked velocity v,
    ///     p′ = (1 − ε) · G(σ_browse) ∗ p + ε · G(σ_walk) ∗ shift(p, v·Δt),
    ///     σ_browse² = 2·D·Δt + (step/2)²,  σ_walk² = (s·Δt)² + (step/2)²,
    /// where s is the walking speed and (step/2)² stands for the position's spread within a
    /// cell. Only the walking share moves with v: a browsing shopper stays put whatever the
    /// track's recent velocity says.
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
        cache.prepare(grid)
        let cellVariance = grid.step * grid.step / 4
        let browse = (2 * configuration.browsingDiffusion * dt + cellVariance).squareRoot()
        let walk = (pow(configuration.walkingSpeed * dt, 2) + cellVariance).squareRoot()
        let fraction = min(max(configuration.walkingFraction, 0), 1)
        let shift = velocity * dt
        let shiftCells = Int((max(abs(shift.x), abs(shift.y)) / grid.step).rounded(.up)) + 1
        let reach = max(
            cache.entry(sigma: browse, grid: grid).radius,
            fraction > 0 ? cache.entry(sigma: walk, grid: grid).radius + shiftCells : 0)
        let union = box.expanded(by: reach, within: grid)
        cache.clear(union, grid: grid)
        // Walls: the mass on each side moves on its side only, through the doors between.
        let regions = sides(grid: grid)
        for region in regions {
            cache.diffuse(probability, input: box, sigma: browse, grid: grid, weight: 1 - fraction, region: region)
        }
        if fraction > 0 {
            let movedBox = advect(by: shift, grid: grid, into: &cache.moved)
            for region in regions {
                cache.diffuse(cache.moved, input: movedBox, sigma: walk, grid: grid, weight: fraction, region: region)
            }
            // Leave the scratch zeroed for the next device.
            for r in movedBox.r0...movedBox.r1 {
                for c in movedBox.c0...movedBox.c1 { cache.moved[r * grid.columns + c] = 0 }
            }
        }
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 { probability[r * grid.columns + c] = 0 }
        }
        box = union
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 { probability[r * grid.columns + c] = cache.accumulator[r * grid.columns + c] }
        }
        normalize(grid: grid)
    }

    /// The sides of the walls that hold probability (just `.all` when the grid has no walls).
    private func sides(grid: Grid) -> [DiffusionCache.Region] {
        guard grid.hasWalls else { return [.all] }
        var inside = false, outside = false
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 {
                let cell = r * grid.columns + c
                guard probability[cell] > 0 else { continue }
                if grid.insideRegion[cell] { inside = true }
                if grid.outsideRegion[cell] { outside = true }
            }
        }
        return (inside ? [.inside] : []) + (outside ? [.outside] : [])
    }

    /// Writes the distribution moved by `shift` into `moved` (zero on entry) and returns the box
    /// it occupies. Each cell's mass is split bilinearly among the four cells around its
    /// destination; mass that would cross the outline stays where it is.
    private func advect(by shift: Point, grid: Grid, into moved: inout [Double]) -> Grid.Box {
        let fx = shift.x / grid.step, fy = shift.y / grid.step
        let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
        let ax = fx - Double(ix), ay = fy - Double(iy)
        let weights = ((1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay)
        let reach = max(abs(ix), abs(iy)) + 1
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 {
                let cell = r * grid.columns + c
                let mass = probability[cell]
                guard mass > 0 else { continue }
                for (dc, dr, w) in [(ix, iy, weights.0), (ix + 1, iy, weights.1), (ix, iy + 1, weights.2), (ix + 1, iy + 1, weights.3)]
                where w > 0 {
                    let c2 = c + dc, r2 = r + dr
                    if c2 >= 0, c2 < grid.columns, r2 >= 0, r2 < grid.rows, grid.inside[r2 * grid.columns + c2],
                        !grid.hasWalls || grid.withinOutline[r2 * grid.columns + c2] == grid.withinOutline[cell]
                            || grid.door[cell] || grid.door[r2 * grid.columns + c2]
                    {
                        moved[r2 * grid.columns + c2] += mass * w
                    } else {
                        moved[cell] += mass * w
                    }
                }
            }
        }
        return box.expanded(by: reach, within: grid)
    }

    /// Bayes' rule with the readings: p(c) ← p(c) · L(readings | c), L from a Huber loss on the
    /// residuals after removing the best transmit offset b(c) for that cell (profile likelihood):
    ///     rₛ = zₛ − μₛ(c),  b(c) = Σ rₛ/σₛ² / (Σ 1/σₛ² + 1/σ_b²),
    ///     −log L = Σ ρ((rₛ − b)/σₛ) + b²/2σ_b²,  ρ Huber with threshold k.
    /// A mean of n readings has σₛ² = σ²·(½ + ½/n): half the error (fading) averages out,
    /// half (the map's own error at that cell) does not.
    /// `alive`: per sensor, whether it is hearing anything at all; a dead sensor's silence says
    /// nothing about where the device is (nil: all are).
    mutating func update(
        with readings: [Reading], map: RadioMap, configuration: PositioningConfiguration,
        scratch: inout [Double], alive: [Bool]? = nil
    ) {
        guard !readings.isEmpty else { return }
        let grid = map.grid
        let sigma = max(configuration.rssiNoise, 0.1)
        let initialPrecision = 1 / pow(max(configuration.transmitOffsetSigma, 0.01), 2)
        let offsetPrecision = self.offsetPrecision ?? initialPrecision
        let precisions = readings.map { 1 / (sigma * sigma * (0.5 + 0.5 / Double(max($0.count, 1)))) }
        let likelihood = Likelihood(
            sensors: readings.map(\.sensor), rssi: readings.map(\.rssi), precisions: precisions,
            offsetMean: offsetPriorMean(configuration),
            offsetPrecision: offsetPrecision, k: configuration.huberThreshold, sensorCount: map.sensorCount,
            missing: Self.missing(readings, sensorCount: map.sensorCount, configuration: configuration, alive: alive),
            floor: configuration.receiverSensitivity, missingRoot: 1 / (sigma * max(configuration.silentSpread, 0.1)),
            weaker: 1 / max(configuration.attenuationSpread, 1), kWeaker: configuration.attenuationHuberThreshold)
        if scratch.count < 2 * probability.count { scratch = [Double](repeating: 0, count: 2 * probability.count) }

        // Loss of every cell in the box that still holds probability.
        var lowest = Double.infinity
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 {
                let cell = r * grid.columns + c
                guard probability[cell] > 0 else { continue }
                let (loss, b) = likelihood.loss(slot: grid.slotOfCell[cell], expected: map.expected)
                scratch[cell] = loss
                scratch[probability.count + cell] = b
                lowest = min(lowest, loss)
            }
        }
        // CUSUM on the best fit anywhere (coarse cells) against the best fit in the box.
        if box != grid.all {
            var elsewhere = Double.infinity
            for cell in grid.coarseCells {
                elsewhere = min(elsewhere, likelihood.loss(slot: grid.slotOfCell[cell], expected: map.expected).loss)
            }
            surprise = max(0, surprise + (lowest - elsewhere) - Self.surpriseAllowance)
            if surprise > configuration.restartEvidence {
                restart(grid: grid)
                update(with: readings, map: map, configuration: configuration, scratch: &scratch, alive: alive)
                return
            }
        }
        var offsetSum = 0.0, total = 0.0
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 {
                let cell = r * grid.columns + c
                guard probability[cell] > 0 else { continue }
                probability[cell] *= exp(lowest - scratch[cell])
                total += probability[cell]
                offsetSum += probability[cell] * scratch[probability.count + cell]
            }
        }
        if total > 0 { offset = offsetSum / total }
        // Only a share of each batch's information about the offset is carried on: batches of
        // a standing phone share their shadowing, so they are not independent evidence.
        let ceiling = 1 / pow(max(configuration.transmitOffsetFloor, 0.01), 2)
        let gained = configuration.transmitOffsetLearning * precisions.reduce(0, +)
        self.offsetPrecision = min(max(offsetPrecision + gained, initialPrecision), max(ceiling, initialPrecision))
        normalize(grid: grid)
    }

    /// The prior mean of the offset for the next batch. Without learning, the last batch's
    /// offset is carried on only in part, pulled back towards the configured mean: carried in
    /// full at the prior's precision it would wander off (a random walk), and with one sensor
    /// heard, where offset and distance cannot be told apart, the position with it.
    private func offsetPriorMean(_ configuration: PositioningConfiguration) -> Double {
        guard offsetPrecision != nil else { return configuration.transmitOffsetMean }
        if configuration.transmitOffsetLearning > 0 { return offset }
        let carry = min(max(configuration.transmitOffsetCarry, 0), 1)
        return configuration.transmitOffsetMean + carry * (offset - configuration.transmitOffsetMean)
    }

    /// The sensors that heard nothing of a batch of several packets: evidence that the device
    /// is too far from them to be heard (a censored reading, below the receiver's floor).
    static func missing(
        _ readings: [Reading], sensorCount: Int, configuration: PositioningConfiguration, alive: [Bool]? = nil
    ) -> [Int] {
        guard configuration.receiverSensitivity.isFinite, readings.contains(where: { $0.count >= configuration.silentAfterPackets }) else { return [] }
        var heard = [Bool](repeating: false, count: sensorCount)
        for reading in readings where reading.sensor < sensorCount { heard[reading.sensor] = true }
        return heard.indices.filter { s in !heard[s] && (alive.map { s < $0.count && $0[s] } ?? true) }
    }

    /// Mean and covariance of the position; the cell's own extent (step²/12 per axis) is added.
    func moments(grid: Grid) -> (mean: Point, xx: Double, xy: Double, yy: Double) {
        let s = summary(grid: grid, zoneCount: 0)
        return (s.mean, s.xx, s.xy, s.yy)
    }

    /// What the locator reports, read from the distribution in one pass.
    struct Summary {
        /// Probability that the device is inside the store's outline (not in the band around it).
        var insideProbability: Double
        /// Mean and covariance of the whole distribution.
        var mean: Point
        var xx: Double, xy: Double, yy: Double
        /// Mean of the part inside the outline (the whole mean when none is).
        var insideMean: Point
        /// Probability of each zone (index in configuration order).
        var zoneProbability: [Double]
    }

    func summary(grid: Grid, zoneCount: Int) -> Summary {
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0
        var inside = 0.0, ix = 0.0, iy = 0.0
        var zones = [Double](repeating: 0, count: zoneCount)
        for r in box.r0...box.r1 {
            let y = grid.originY + Double(r) * grid.step
            for c in box.c0...box.c1 {
                let cell = r * grid.columns + c
                let p = probability[cell]
                guard p > 0 else { continue }
                let x = grid.originX + Double(c) * grid.step
                sx += p * x
                sy += p * y
                sxx += p * x * x
                sxy += p * x * y
                syy += p * y * y
                if grid.withinOutline[cell] {
                    inside += p
                    ix += p * x
                    iy += p * y
                    let zone = grid.zoneOfCell[cell]
                    if zone >= 0, zone < zoneCount { zones[zone] += p }
                }
            }
        }
        let cell = grid.step * grid.step / 12
        let mean = Point(x: sx, y: sy)
        return Summary(
            insideProbability: inside, mean: mean, xx: max(sxx - sx * sx, 0) + cell, xy: sxy - sx * sy,
            yy: max(syy - sy * sy, 0) + cell, insideMean: inside > 1e-9 ? Point(x: ix / inside, y: iy / inside) : mean,
            zoneProbability: zones)
    }

    /// Rescales to a total of 1, drops negligible cells and shrinks the box around the rest; a
    /// distribution that underflowed everywhere restarts uniform (the readings contradicted
    /// every cell: better to know nothing than to be sure of noise).
    private mutating func normalize(grid: Grid) {
        var total = 0.0, highest = 0.0
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 {
                let p = probability[r * grid.columns + c]
                total += p
                highest = max(highest, p)
            }
        }
        guard total > 1e-300, total.isFinite else {
            restart(grid: grid)
            return
        }
        let scale = 1 / total
        let floor = highest * Self.negligible
        var shrunk = Grid.Box(c0: grid.columns, c1: -1, r0: grid.rows, r1: -1)
        for r in box.r0...box.r1 {
            for c in box.c0...box.c1 {
                let cell = r * grid.columns + c
                if probability[cell] > floor {
                    probability[cell] *= scale
                    shrunk.c0 = min(shrunk.c0, c)
                    shrunk.c1 = max(shrunk.c1, c)
                    shrunk.r0 = min(shrunk.r0, r)
                    shrunk.r1 = max(shrunk.r1, r)
                } else {
                    probability[cell] = 0
                }
            }
        }
        box = shrunk
    }
}

/// The per-cell loss of one batch of readings, with the readings unpacked into flat arrays.
private struct Likelihood {
    var sensors: [Int]
    var rssi: [Double]
    var precisions: [Double]
    var roots: [Double]
    var precisionSum: Double
    let offsetMean: Double
    let offsetPrecision: Double
    let missing: [Int]
    /// Scale of residuals of readings weaker than expected, relative to stronger ones.
    let weaker: Double
    /// Huber threshold of readings weaker than expected.
    let kWeaker: Double
    let floor: Double
    let missingRoot: Double
    let k: Double
    let sensorCount: Int

    init(
        sensors: [Int], rssi: [Double], precisions: [Double], offsetMean: Double, offsetPrecision: Double, k: Double,
        sensorCount: Int, missing: [Int] = [], floor: Double = -.infinity, missingRoot: Double = 0, weaker: Double = 1,
        kWeaker: Double? = nil
    ) {
        self.weaker = weaker
        self.kWeaker = kWeaker ?? k
        self.missing = missing
        self.floor = floor
        self.missingRoot = missingRoot
        self.offsetMean = offsetMean
        self.sensors = sensors
        self.rssi = rssi
        self.precisions = precisions
        roots = precisions.map { $0.squareRoot() }
        precisionSum = precisions.reduce(offsetPrecision, +)
        self.offsetPrecision = offsetPrecision
        self.k = k
        self.sensorCount = sensorCount
    }

    /// −log L at a cell and the cell's best offset.
    func loss(slot: Int, expected: [Double]) -> (loss: Double, b: Double) {
        let base = slot * sensorCount
        var weighted = offsetPrecision * offsetMean
        for i in sensors.indices { weighted += precisions[i] * (rssi[i] - expected[base + sensors[i]]) }
        let b = weighted / precisionSum
        var loss = 0.5 * (b - offsetMean) * (b - offsetMean) * offsetPrecision
        for i in sensors.indices {
            // The body and shelves only ever take signal away: a reading weaker than the map
            // says is scaled down by `weaker` (≤ 1), a stronger one counts in full.
            let r = rssi[i] - expected[base + sensors[i]] - b
            let e = (r < 0 ? -r * weaker : r) * roots[i]
            let kk = r < 0 ? kWeaker : k
            loss += e <= kk ? 0.5 * e * e : kk * e - 0.5 * kk * kk
        }
        // Unheard sensors: a residual only where the cell says they should have heard it,
        //     e = max(0, μₛ(c) + b − floor) / σ.
        for s in missing {
            let e = (expected[base + s] + b - floor) * missingRoot
            if e > 0 { loss += e <= k ? 0.5 * e * e : k * e - 0.5 * k * k }
        }
        return (loss, b)
    }
}
