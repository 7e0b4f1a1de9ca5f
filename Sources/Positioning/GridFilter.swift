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
    /// Probability per dense cell (zero outside the outline and outside `box`), summing to 1;
    /// empty while the filter is parked.
    private(set) var probability: [Double]
    /// Between estimates, the cells of `box` only (row by row), and `probability` lent back to
    /// the locator (`park`): a device then holds memory for where it may be, not for the
    /// whole store — 2,000 devices in the demo store held 28 MB of zeros as whole grids, and
    /// touching them cost more cache misses than the sums over them. Single precision: cells
    /// below `negligible` of the most probable are dropped, so the seven digits of a `Float`
    /// hold every cell kept, in half the memory (2,000 devices tracked: 16 MB less).
    private var parked: [Float] = []
    /// The rectangle holding all non-negligible probability.
    private(set) var box: Grid.Box
    /// Time of the last prediction, nil before the first update.
    private(set) var time: Double?
    /// Posterior mean of the transmit offset (dB) at the last update.
    private(set) var offset: Double = 0
    /// Posterior mean of the path-loss exponent's deviation from the model at the last
    /// update, where an exponent is uncertain (`path_loss_exponent_spread`); else 0.
    private(set) var slope: Double = 0
    /// The device's own level (dB from the model) as the past batches teach it
    /// (`learnLevel`), with the precision (1/dB²) of what they taught; nil before the first.
    /// A phone's or tag's transmit power and antenna stay with it, so each batch's offset is
    /// that level plus a change of carrying position or orientation (`transmit_offset_floor`),
    /// not a new draw from every phone's spread (`transmit_offset_sigma`).
    private(set) var level: (mean: Double, precision: Double)?
    /// The level known before the first batch (the survey's own device), which a restart
    /// starts from again; nil for a device nothing is known of.
    private let knownLevel: (mean: Double, precision: Double)?
    /// What the last update's readings said of the offset (their precision, 1/dB²).
    private(set) var offsetInformation = 0.0

    /// Takes the last update's offset as evidence of the device's own level, counted at
    /// `share` of its readings' information. Its posterior mean stands for the batch (already
    /// drawn towards the level, so the level moves a little less than an exact update would).
    mutating func learnLevel(share: Double, configuration: PositioningConfiguration) {
        let learnt = level ?? (configuration.transmitOffsetMean, Self.levelPrecision(configuration))
        let evidence = max(share, 0) * offsetInformation
        level = (learnt.mean + evidence / (learnt.precision + evidence) * (offset - learnt.mean), learnt.precision + evidence)
    }

    /// CUSUM of how much better the readings fit somewhere else in the store than inside the
    /// box, in nats.
    private var surprise = 0.0
    /// Whether some probability is on the inside, and on the outside, of the walls (doors
    /// count for both): which sides the next prediction diffuses.
    private var massInside = true
    private var massOutside = true

    /// Probability below this fraction of the most probable cell's is dropped (a Gaussian's
    /// tail beyond 4.8σ); secondary hypotheses worth keeping are far more probable than that.
    /// Each estimate costs in proportion to the cells kept: 1e-6 (5.3σ) keeps a quarter more
    /// for no measurable gain in accuracy.
    static let negligible = 1e-5
    /// Evidence (nats) per update that a better fit elsewhere must exceed to count, and the
    /// accumulated evidence that restarts the filter: a lost track is restarted after a few
    /// updates, noise never accumulates.
    static let surpriseAllowance = 1.0

    /// One sensor's readings since the previous update.
    struct Reading: Sendable {
        var sensor: Int
        var rssi: Double
        var count: Int
        /// The share of a fresh batch's information it carries: 1, or less for a sensor's last
        /// batch held while it is not yet due again (`HeldReadings`).
        var weight: Double = 1
        /// A sensor's last batch standing in for it (`HeldReadings`), not heard in this one.
        var held = false
    }

    /// Prior weight of a band cell against an inside one.
    let outsidePrior: Double
    /// How many times the filter has started from the prior (1 after `init`): a restarted track
    /// may jump to where the readings now fit, which the locator's speed limit allows.
    private(set) var restarts = 0

    /// - Parameter knownLevel: the device's level (dB from the model) and its precision (1/dB²)
    ///   where known before its first batch: the device that recorded the survey.
    init(grid: Grid, outsidePrior: Double = 1, knownLevel: (mean: Double, precision: Double)? = nil) {
        self.outsidePrior = max(outsidePrior, 0)
        self.knownLevel = knownLevel
        probability = [Double](repeating: 0, count: grid.columns * grid.rows)
        box = grid.all
        restart(grid: grid)
    }

    /// Whether `park` put the probability aside (the next estimate must `unpark` it first).
    var isParked: Bool { probability.isEmpty }

    /// Keeps the cells of `box` only and hands the dense array, zeroed, to `workspace`.
    mutating func park(into workspace: inout [Double], grid: Grid) {
        guard !isParked else { return }
        let columns = grid.columns
        let count = (box.c1 - box.c0 + 1) * (box.r1 - box.r0 + 1)
        // Reused between estimates, unless a box once much larger (a new device's: the whole
        // store) left it far too big.
        if parked.capacity > 2 * count + 64 { parked = [] }
        parked.removeAll(keepingCapacity: true)
        parked.reserveCapacity(count)
        probability.withUnsafeMutableBufferPointer { p in
            for r in box.r0...box.r1 {
                for c in box.c0...box.c1 {
                    parked.append(Float(p[r &* columns &+ c]))
                    p[r &* columns &+ c] = 0
                }
            }
        }
        swap(&probability, &workspace)
        probability = []
    }

    /// Takes `workspace` (all zeros, or empty) back as the dense array and puts the parked cells
    /// into it.
    mutating func unpark(from workspace: inout [Double], grid: Grid) {
        guard isParked else { return }
        let columns = grid.columns
        if workspace.count != grid.columns * grid.rows {
            workspace = [Double](repeating: 0, count: grid.columns * grid.rows)
        }
        swap(&probability, &workspace)
        workspace = []
        probability.withUnsafeMutableBufferPointer { p in
            var i = 0
            for r in box.r0...box.r1 {
                for c in box.c0...box.c1 {
                    p[r &* columns &+ c] = Double(parked[i])
                    i += 1
                }
            }
        }
        parked.removeAll(keepingCapacity: true)
    }

    /// Uniform over the store, the band outside weighted by `outsidePrior`.
    private mutating func restart(grid: Grid) {
        restarts += 1
        for i in probability.indices { probability[i] = 0 }
        for cell in grid.cells { probability[cell] = grid.withinOutline[cell] ? 1 : outsidePrior }
        box = grid.all
        surprise = 0
        normalize(grid: grid)
        // A lost track may have been lost through a wrong offset: start it from the prior again.
        level = knownLevel
    }

    /// Motion model from the last update to `now`: a mixture of a browsing random walk and a
    /// walk carried along the tracked velocity v,
    ///     p′ = (1 − ε) · G(σ_browse) ∗ p + ε · G(σ_walk) ∗ shift(p, v·Δt),
    ///     σ_browse² = 2·D·Δt + (step/2)²,  σ_walk² = (s·Δt)² + (step/2)²,
    /// where s is the walking speed and (step/2)² stands for the position's spread within a
    /// cell. Only the walking share moves with v: a browsing shopper stays put whatever the
    /// track's recent velocity says.
    /// `exitShare`: the share of the probability this carries out of the store through its
    /// doors that is let out (1: all of it); the rest stays on the inside, each side keeping
    /// its own shape (`PositioningConfiguration.doorExitShare`, for a device that has been
    /// inside a while). Probability coming in is never held back.
    mutating func predict(
        to now: Double, velocity: Point = .zero, grid: Grid, configuration: PositioningConfiguration,
        cache: inout DiffusionCache, exitShare: Double = 1
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
        let (inside, outside) = sides(grid: grid)
        let regions: (DiffusionCache.Region?, DiffusionCache.Region?) =
            grid.hasWalls ? (inside ? .inside : nil, outside ? .outside : nil) : (.all, nil)
        if let region = regions.0 {
            cache.diffuse(probability, input: box, sigma: browse, grid: grid, weight: 1 - fraction, region: region)
        }
        if let region = regions.1 {
            cache.diffuse(probability, input: box, sigma: browse, grid: grid, weight: 1 - fraction, region: region)
        }
        if fraction > 0 {
            let movedBox = advect(by: shift, grid: grid, into: &cache.moved)
            if let region = regions.0 {
                cache.diffuse(cache.moved, input: movedBox, sigma: walk, grid: grid, weight: fraction, region: region)
            }
            if let region = regions.1 {
                cache.diffuse(cache.moved, input: movedBox, sigma: walk, grid: grid, weight: fraction, region: region)
            }
            // Leave the scratch zeroed for the next device.
            cache.zeroMoved(movedBox, grid: grid)
        }
        let old = box
        // Only a distribution that reaches a door can be carried out through it.
        let holding = exitShare < 1 && grid.hasWalls && massInside && grid.doorBox.map(union.overlaps) == true
        let before = holding ? bandShare(in: old, grid: grid) : 0
        box = union
        probability.withUnsafeMutableBufferPointer { p in
            // Every cell of the union, which holds the old box, is written: the kernels' far
            // tails are dropped as a normalisation would drop them, so that the update weighs
            // only cells that can matter.
            cache.copyAccumulator(union, grid: grid, into: p, dropBelow: Self.negligible)
        }
        if holding { holdBack(outflowShare: max(exitShare, 0), bandBefore: before, grid: grid) }
        // Not normalised here: the update that follows does it in its own pass.
    }

    /// The share of the distribution in `box` that lies outside the outline (in the band).
    private func bandShare(in box: Grid.Box, grid: Grid) -> Double {
        var band = 0.0, total = 0.0
        let columns = grid.columns
        probability.withUnsafeBufferPointer { p in
            grid.withinOutline.withUnsafeBufferPointer { within in
                for r in box.r0...box.r1 {
                    for c in box.c0...box.c1 {
                        let cell = r &* columns &+ c
                        total += p[cell]
                        if !within[cell] { band += p[cell] }
                    }
                }
            }
        }
        return total > 0 ? band / total : 0
    }

    /// Where the prediction has carried probability out through the doors (the band's share
    /// grown from `bandBefore`), lets only `outflowShare` of what it carried out: the band is
    /// scaled down and the inside up, each keeping its shape.
    private mutating func holdBack(outflowShare: Double, bandBefore: Double, grid: Grid) {
        let after = bandShare(in: box, grid: grid)
        guard after > bandBefore, after < 1 else { return }
        let target = bandBefore + outflowShare * (after - bandBefore)
        let bandScale = target / after, insideScale = (1 - target) / (1 - after)
        let columns = grid.columns, box = box
        probability.withUnsafeMutableBufferPointer { p in
            grid.withinOutline.withUnsafeBufferPointer { within in
                for r in box.r0...box.r1 {
                    for c in box.c0...box.c1 {
                        let cell = r &* columns &+ c
                        p[cell] *= within[cell] ? insideScale : bandScale
                    }
                }
            }
        }
    }

    /// Whether probability lies on the inside and on the outside of the walls, as the last
    /// normalisation found it.
    private func sides(grid: Grid) -> (inside: Bool, outside: Bool) {
        grid.hasWalls ? (massInside, massOutside) : (true, false)
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
        let columns = grid.columns, rows = grid.rows, walls = grid.hasWalls
        probability.withUnsafeBufferPointer { p in
            grid.inside.withUnsafeBufferPointer { candidate in
                grid.withinOutline.withUnsafeBufferPointer { within in
                    grid.door.withUnsafeBufferPointer { door in
                        moved.withUnsafeMutableBufferPointer { out in
                            // Mass that would leave the candidates or cross a wall outside a
                            // door stays put.
                            func stays(_ cell: Int, _ target: Int) -> Bool {
                                !candidate[target] || walls && within[target] != within[cell] && !door[cell] && !door[target]
                            }
                            // ... as does mass that would leave the grid.
                            func move(_ mass: Double, from cell: Int, to c2: Int, _ r2: Int) {
                                let target = r2 * columns + c2
                                let inGrid = c2 >= 0 && c2 < columns && r2 >= 0 && r2 < rows
                                out[inGrid && !stays(cell, target) ? target : cell] += mass
                            }
                            // Where every cell of a row lands within the grid, only `stays` is
                            // asked, cell by cell: the same moves in the same order.
                            let rowsInGrid = box.c0 &+ ix >= 0 && box.c1 &+ ix &+ 1 < columns
                            for r in box.r0...box.r1 {
                                if rowsInGrid, r &+ iy >= 0, r &+ iy &+ 1 < rows {
                                    let step = iy &* columns &+ ix
                                    for c in box.c0...box.c1 {
                                        let cell = r &* columns &+ c
                                        let mass = p[cell]
                                        guard mass > 0 else { continue }
                                        let t0 = cell &+ step, t2 = t0 &+ columns
                                        if weights.0 > 0 { out[stays(cell, t0) ? cell : t0] += mass * weights.0 }
                                        if weights.1 > 0 { out[stays(cell, t0 &+ 1) ? cell : t0 &+ 1] += mass * weights.1 }
                                        if weights.2 > 0 { out[stays(cell, t2) ? cell : t2] += mass * weights.2 }
                                        if weights.3 > 0 { out[stays(cell, t2 &+ 1) ? cell : t2 &+ 1] += mass * weights.3 }
                                    }
                                    continue
                                }
                                for c in box.c0...box.c1 {
                                    let cell = r &* columns &+ c
                                    let mass = p[cell]
                                    guard mass > 0 else { continue }
                                    if weights.0 > 0 { move(mass * weights.0, from: cell, to: c + ix, r + iy) }
                                    if weights.1 > 0 { move(mass * weights.1, from: cell, to: c + ix + 1, r + iy) }
                                    if weights.2 > 0 { move(mass * weights.2, from: cell, to: c + ix, r + iy + 1) }
                                    if weights.3 > 0 { move(mass * weights.3, from: cell, to: c + ix + 1, r + iy + 1) }
                                }
                            }
                        }
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
    /// `silenceCounts`: per sensor, whether its silence says the device is far from it — it
    /// listens to the device's radio and is hearing anything at all; a dead sensor's silence
    /// says nothing about where the device is (nil: every sensor's counts).
    /// `exponent`: the prior of the exponent's deviation δ from the model where the map has
    /// uncertain exponents (`slopedLosses`): its mean and precision (0 holds δ at 0).
    /// Ends normalised; without readings it only normalises (after a prediction).
    mutating func update(
        with readings: [Reading], map: RadioMap, configuration: PositioningConfiguration,
        scratch: inout [Double], silenceCounts: [Bool]? = nil, silence: SilenceModel,
        exponent: (mean: Double, precision: Double) = (0, 0)
    ) {
        guard !readings.isEmpty else {
            normalize(grid: map.grid)
            return
        }
        let grid = map.grid
        let sigma = max(configuration.rssiNoise, 0.1)
        let offsetPrecision = offsetPriorPrecision(configuration)
        let sensorCount = map.sensorCount
        let sloped = exponent.precision > 0 && !map.logDistanceBySensor.isEmpty
        // Per cell: the loss, the best offset and, where the exponent is fitted, its deviation.
        if scratch.count < 3 * probability.count { scratch = [Double](repeating: 0, count: 3 * probability.count) }
        let dense = probability.count
        var precisionTotal = 0.0
        var lowest = Double.infinity, elsewhere = Double.infinity
        // The readings unpacked into flat buffers on the stack: sensor, level, precision, root
        // precision; then the silent sensors. No allocation per update.
        let heard = readings.count
        // How many packets this batch held: a held reading's were heard in another.
        let packets = readings.reduce(0) { $1.held ? $0 : max($0, $1.count) }
        silence.tables[SilenceModel.bucket(packets: packets)].withUnsafeBufferPointer { silenceTable in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: heard + sensorCount) { sensors in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * heard) { values in
                let missingCount = Self.silentSensorsCount(
                    readings, sensorCount: sensorCount, configuration: configuration, silenceCounts: silenceCounts, into: sensors, from: heard)
                for (i, reading) in readings.enumerated() {
                    let precision = reading.weight / (sigma * sigma * (0.5 + 0.5 / Double(max(reading.count, 1))))
                    sensors[i] = reading.sensor
                    values[i] = reading.rssi
                    values[heard + i] = precision
                    values[2 * heard + i] = precision.squareRoot()
                    precisionTotal += precision
                }
                let likelihood = Likelihood(
                    heard: heard, sensors: UnsafePointer(sensors.baseAddress!), rssi: UnsafePointer(values.baseAddress!),
                    precisions: UnsafePointer(values.baseAddress! + heard), roots: UnsafePointer(values.baseAddress! + 2 * heard),
                    missing: UnsafePointer(sensors.baseAddress! + heard), missingCount: missingCount,
                    precisionSum: precisionTotal + offsetPrecision, offsetMean: offsetPriorMean(configuration),
                    offsetPrecision: offsetPrecision, weaker: 1 / max(configuration.attenuationSpread, 1),
                    kWeaker: configuration.attenuationHuberThreshold, floor: silence.floor,
                    missingRoot: 1 / (sigma * max(configuration.silentSpread, 0.1)), k: configuration.huberThreshold,
                    silenceTable: silenceTable.baseAddress!, silenceTableCount: silenceTable.count - 1,
                    slopeMean: exponent.mean, slopePrecision: sloped ? exponent.precision : 0)
                let columns = grid.columns
                probability.withUnsafeBufferPointer { p in
                    scratch.withUnsafeMutableBufferPointer { out in
                        map.expectedBySensor.withUnsafeBufferPointer { bySensor in
                            map.logDistanceBySensor.withUnsafeBufferPointer { logDistance in
                                // Loss of every cell in the box that still holds probability,
                                // row by row between the first and the last such cell, written
                                // straight into the scratch (cells without probability between
                                // them get one too, which nothing reads).
                                for r in box.r0...box.r1 {
                                    // The first such cell from the left, the last from the right.
                                    let rowStart = r &* columns
                                    var first = box.c0
                                    while first <= box.c1, !(p[rowStart &+ first] > 0) { first &+= 1 }
                                    guard first <= box.c1 else { continue }
                                    var last = box.c1
                                    while !(p[rowStart &+ last] > 0) { last &-= 1 }
                                    let start = r &* columns &+ first, count = last &- first &+ 1
                                    let rowLoss = out.baseAddress! + start
                                    likelihood.losses(
                                        bySensor: bySensor.baseAddress!, logDistance: logDistance.isEmpty ? nil : logDistance.baseAddress,
                                        stride: dense, from: start, count: count, loss: rowLoss, offset: rowLoss + dense,
                                        slope: rowLoss + 2 * dense)
                                    // The lowest of cells with probability: the smallest of
                                    // non-negative numbers whatever order they are taken in.
                                    let vectors = count / 4 * 4, mass = p.baseAddress! + start
                                    var lowest4 = SIMD4<Double>(repeating: .infinity)
                                    var i = 0
                                    while i < vectors {
                                        let l = UnsafeRawPointer(rowLoss + i).loadUnaligned(as: SIMD4<Double>.self)
                                        let live = UnsafeRawPointer(mass + i).loadUnaligned(as: SIMD4<Double>.self) .> 0
                                        lowest4 = lowest4.replacing(with: l, where: live .& (l .< lowest4))
                                        i &+= 4
                                    }
                                    while i < count {
                                        if mass[i] > 0 { lowest = min(lowest, rowLoss[i]) }
                                        i &+= 1
                                    }
                                    lowest = min(lowest, lowest4.min())
                                }
                            }
                        }
                    }
                }
                // The best fit anywhere (coarse cells), for the CUSUM below. No fit is better
                // than a loss of 0: when the box's best is within the allowance of 0 and
                // nothing has accumulated, the CUSUM stays at 0.
                let n = grid.coarseCells.count
                if box != grid.all, n > 0, surprise > 0 || lowest > Self.surpriseAllowance {
                    map.coarseBySensor.withUnsafeBufferPointer { bySensor in
                        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * n) { coarse in
                            let loss = coarse.baseAddress!
                            map.coarseLogDistance.withUnsafeBufferPointer { logDistance in
                                likelihood.losses(
                                    bySensor: bySensor.baseAddress!, logDistance: logDistance.isEmpty ? nil : logDistance.baseAddress, stride: n, from: 0,
                                    count: n, loss: loss, offset: loss + n, slope: loss + 2 * n)
                            }
                            for i in 0..<n { elsewhere = min(elsewhere, loss[i]) }
                        }
                    }
                }
            }
        }
        }
        // CUSUM on the best fit anywhere against the best fit in the box.
        if box != grid.all, elsewhere.isFinite {
            surprise = max(0, surprise + (lowest - elsewhere) - Self.surpriseAllowance)
            if surprise > configuration.restartEvidence {
                restart(grid: grid)
                update(
                    with: readings, map: map, configuration: configuration, scratch: &scratch, silenceCounts: silenceCounts,
                    silence: silence)
                return
            }
        }
        var offsetSum = 0.0, slopeSum = 0.0, total = 0.0, highest = 0.0
        let columns = grid.columns, count = box.c1 &- box.c0 &+ 1, vectors = count / 4 * 4
        // The exponentials four cells at a time (`exponential4`, the same bits as one at a
        // time), the sums cell by cell in the order they always had.
        probability.withUnsafeMutableBufferPointer { p in
            scratch.withUnsafeBufferPointer { loss in
                let lowest4 = SIMD4<Double>(repeating: lowest)
                for r in box.r0...box.r1 {
                    let start = r &* columns &+ box.c0
                    let row = p.baseAddress! + start, rowLoss = loss.baseAddress! + start
                    let rowOffset = rowLoss + dense, rowSlope = rowLoss + 2 * dense
                    var c = 0
                    while c < vectors {
                        let mass = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD4<Double>.self)
                        let live = mass .> 0
                        if any(live) {
                            let x = lowest4 - UnsafeRawPointer(rowLoss + c).loadUnaligned(as: SIMD4<Double>.self)
                            // Cells without probability keep theirs (their loss is stale scratch).
                            let q = mass.replacing(with: mass * Self.exponential4(x), where: live)
                            UnsafeMutableRawPointer(row + c).storeBytes(of: q, as: SIMD4<Double>.self)
                            for lane in 0..<4 where live[lane] {
                                total += q[lane]
                                highest = max(highest, q[lane])
                                offsetSum += q[lane] * rowOffset[c &+ lane]
                                if sloped { slopeSum += q[lane] * rowSlope[c &+ lane] }
                            }
                        }
                        c &+= 4
                    }
                    while c < count {
                        if row[c] > 0 {
                            let q = row[c] * Self.exponential(lowest - rowLoss[c])
                            row[c] = q
                            total += q
                            highest = max(highest, q)
                            offsetSum += q * rowOffset[c]
                            if sloped { slopeSum += q * rowSlope[c] }
                        }
                        c &+= 1
                    }
                }
            }
        }
        if total > 0 {
            offset = offsetSum / total
            slope = sloped ? slopeSum / total : 0
        }
        offsetInformation = precisionTotal
        normalize(grid: grid, total: total, highest: highest)
    }

    /// Each of `sensors`' level in `map` averaged over the distribution — what the map expects
    /// it to hear from the device, the estimate's uncertainty included — into `levels` (NaN
    /// without probability). Dot products along the box's rows, four cells to a vector: cells
    /// without probability add nothing.
    /// With `logDistance`, the mean of −10·log10(distance) instead (`RadioMap.logDistanceBySensor`).
    func meanLevels(of sensors: some Collection<Int>, map: RadioMap, logDistance: Bool = false, into levels: inout [Double]) {
        levels.removeAll(keepingCapacity: true)
        let dense = probability.count, columns = map.grid.columns
        guard dense > 0 else { return }
        let count = box.c1 &- box.c0 &+ 1, vectors = count / 4 * 4
        func dot(_ p: UnsafePointer<Double>, _ e: UnsafePointer<Double>) -> Double {
            var sum4 = SIMD4<Double>.zero
            var sum = 0.0
            for r in box.r0...box.r1 {
                let start = r &* columns &+ box.c0
                var c = 0
                while c < vectors {
                    let q = UnsafeRawPointer(p + (start &+ c)).loadUnaligned(as: SIMD4<Double>.self)
                    let level = UnsafeRawPointer(e + (start &+ c)).loadUnaligned(as: SIMD4<Double>.self)
                    sum4 += q * level
                    c &+= 4
                }
                while c < count {
                    sum += p[start &+ c] * e[start &+ c]
                    c &+= 1
                }
            }
            return sum + sum4.sum()
        }
        probability.withUnsafeBufferPointer { p in
            var total = 0.0
            for r in box.r0...box.r1 {
                let start = r &* columns &+ box.c0
                for c in 0..<count { total += p[start &+ c] }
            }
            (logDistance ? map.logDistanceBySensor : map.expectedBySensor).withUnsafeBufferPointer { e in
                for sensor in sensors {
                    guard sensor < map.sensorCount, total > 0, e.count >= map.sensorCount * dense else {
                        levels.append(.nan)
                        continue
                    }
                    levels.append(dot(p.baseAddress!, e.baseAddress! + sensor &* dense) / total)
                }
            }
        }
    }

    /// eˣ for x ≤ 0, to a relative 1e-8 (probabilities dropped below 1e-6 of the most probable
    /// cell need no more): x = k·ln 2 + r with |r| ≤ ½ ln 2, eʳ by its Taylor series to r⁷,
    /// 2ᵏ by building the exponent. Several times cheaper than `exp`, once per cell and update.
    @inline(__always)
    static func exponential(_ x: Double) -> Double {
        guard x > -700 else { return 0 }
        let k = roundedHalfAway(x * 1.4426950408889634)
        let r = x - k * 0.6931471805599453
        var e = 1.0 / 5040
        e = e * r + 1.0 / 720
        e = e * r + 1.0 / 120
        e = e * r + 1.0 / 24
        e = e * r + 1.0 / 6
        e = e * r + 0.5
        e = e * r + 1
        e = e * r + 1
        return e * Double(bitPattern: UInt64(Int64(k) + 1023) << 52)
    }

    /// `exponential` of four numbers at once, each lane with the bits `exponential` gives it:
    /// the same steps, with the two conversions to and from a whole number made exactly in
    /// floating point (baseline x86-64 converts vectors of doubles to 64-bit integers one lane
    /// at a time). For |y| < 2⁵¹, (|y| + 2⁵²) − 2⁵² is |y| rounded to the nearest whole number,
    /// one less when that rounded up: trunc(|y|); and k + 1023 + 2⁵² holds k + 1023 in its
    /// low mantissa bits, which shifted up by 52 are 2ᵏ's exponent field.
    @inline(__always)
    static func exponential4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let zero = V(repeating: 0), one = V(repeating: 1), big = V(repeating: 4_503_599_627_370_496)  // 2⁵²
        let y = x * 1.4426950408889634
        let negative = y .< 0
        let magnitude = y.replacing(with: -y, where: negative)
        var whole = (magnitude + big) - big
        whole = whole.replacing(with: whole - 1, where: whole .> magnitude)
        whole = whole.replacing(with: -whole, where: negative)
        let twice = (y - whole) * 2
        let k = whole + (zero.replacing(with: one, where: twice .>= 1) - zero.replacing(with: one, where: twice .<= -1))
        let r = x - k * 0.6931471805599453
        var e = V(repeating: 1.0 / 5040)
        e = e * r + 1.0 / 720
        e = e * r + 1.0 / 120
        e = e * r + 1.0 / 24
        e = e * r + 1.0 / 6
        e = e * r + 0.5
        e = e * r + 1
        e = e * r + 1
        let biased = unsafeBitCast(k + (1023 + 4_503_599_627_370_496), to: SIMD4<UInt64>.self)
        let scale = unsafeBitCast(biased &<< 52, to: V.self)
        return zero.replacing(with: e * scale, where: x .> -700)
    }

    /// `y.rounded()` (to the nearest whole number, halves away from zero) for |y| < 2⁶², without
    /// the call to libm's `round` that baseline x86-64 (no SSE4.1 `roundsd`) makes of it, and
    /// without a branch: the truncation is exact, so is the fraction f = y − trunc(y), and
    /// trunc(2f) is −1, 0 or 1 exactly when f ≤ −½, |f| < ½ or f ≥ ½.
    @inline(__always)
    static func roundedHalfAway(_ y: Double) -> Double {
        let whole = Int64(y)
        return Double(whole &+ Int64((y - Double(whole)) * 2))
    }

    /// The prior mean of the offset for the next batch: the device's learnt level. Without
    /// learning, the last batch's offset is carried on only in part, pulled back towards the
    /// configured mean: carried in full at the prior's precision it would wander off (a random
    /// walk), and with one sensor heard, where offset and distance cannot be told apart, the
    /// position with it.
    private func offsetPriorMean(_ configuration: PositioningConfiguration) -> Double {
        guard let level else { return configuration.transmitOffsetMean }
        if configuration.transmitOffsetLearning > 0 { return level.mean }
        let carry = min(max(configuration.transmitOffsetCarry, 0), 1)
        return configuration.transmitOffsetMean + carry * (offset - configuration.transmitOffsetMean)
    }

    /// The prior precision of the offset for the next batch. Without learning, every phone's
    /// spread (`transmit_offset_sigma`). With it, the device's level as far as it is known plus
    /// how far one batch's offset may lie from it (`transmit_offset_floor`), which before the
    /// first batch is every phone's spread again.
    private func offsetPriorPrecision(_ configuration: PositioningConfiguration) -> Double {
        guard configuration.transmitOffsetLearning > 0 else { return 1 / pow(Self.offsetSpread(configuration), 2) }
        let change = Self.offsetChange(configuration)
        return 1 / (1 / (level?.precision ?? Self.levelPrecision(configuration)) + change * change)
    }

    /// `transmit_offset_sigma`: how far phones' offsets lie from the model's, their levels and
    /// how they are carried together.
    private static func offsetSpread(_ configuration: PositioningConfiguration) -> Double {
        max(configuration.transmitOffsetSigma, 0.01)
    }

    /// `transmit_offset_floor`: how far one batch's offset may lie from the device's level.
    private static func offsetChange(_ configuration: PositioningConfiguration) -> Double {
        max(configuration.transmitOffsetFloor, 0.01)
    }

    /// The precision of a device's level before its first batch: phones' offsets spread
    /// `transmit_offset_sigma` in all, of which how each is carried takes
    /// `transmit_offset_floor` (at most all but 0.1 dB of it).
    private static func levelPrecision(_ configuration: PositioningConfiguration) -> Double {
        let spread = offsetSpread(configuration), change = min(offsetChange(configuration), spread)
        return 1 / max(spread * spread - change * change, 0.01)
    }

    /// The sensors that heard nothing of a batch of several packets — evidence that the device
    /// is too far from them to be heard (a censored reading, below the receiver's floor) —
    /// written into `buffer` from index `start`; returns how many.
    static func silentSensorsCount(
        _ readings: [Reading], sensorCount: Int, configuration: PositioningConfiguration, silenceCounts: [Bool]?,
        into buffer: UnsafeMutableBufferPointer<Int>, from start: Int
    ) -> Int {
        guard readings.contains(where: { $0.count >= configuration.silentAfterPackets }) else { return 0 }
        var n = 0
        for s in 0..<sensorCount where !readings.contains(where: { $0.sensor == s }) {
            if let silenceCounts, !(s < silenceCounts.count && silenceCounts[s]) { continue }
            buffer[start + n] = s
            n += 1
        }
        return n
    }

    /// Mean and covariance of the position; the cell's own extent (step²/12 per axis) is added.
    func moments(grid: Grid) -> (mean: Point, xx: Double, xy: Double, yy: Double) {
        let s = summary(grid: grid)
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
    }

    /// The summary, in one pass over the cells holding probability.
    func summary(grid: Grid) -> Summary {
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0
        var inside = 0.0, ix = 0.0, iy = 0.0
        let columns = grid.columns
        let step = grid.step, originX = grid.originX, originY = grid.originY
        probability.withUnsafeBufferPointer { probability in
            grid.withinOutline.withUnsafeBufferPointer { withinOutline in
                for r in box.r0...box.r1 {
                    let y = originY + Double(r) * step
                    for c in box.c0...box.c1 {
                        let cell = r &* columns &+ c
                        let p = probability[cell]
                        guard p > 0 else { continue }
                        let x = originX + Double(c) * step
                        sx += p * x
                        sy += p * y
                        sxx += p * x * x
                        sxy += p * x * y
                        syy += p * y * y
                        if withinOutline[cell] {
                            inside += p
                            ix += p * x
                            iy += p * y
                        }
                    }
                }
            }
        }
        let cell = grid.step * grid.step / 12
        let mean = Point(x: sx, y: sy)
        return Summary(
            insideProbability: inside, mean: mean, xx: max(sxx - sx * sx, 0) + cell, xy: sxy - sx * sy,
            yy: max(syy - sy * sy, 0) + cell, insideMean: inside > 1e-9 ? Point(x: ix / inside, y: iy / inside) : mean)
    }

    /// Rescales to a total of 1, drops negligible cells and shrinks the box around the rest; a
    /// distribution that underflowed everywhere restarts uniform (the readings contradicted
    /// every cell: better to know nothing than to be sure of noise).
    private mutating func normalize(grid: Grid, total known: Double? = nil, highest knownHighest: Double = 0) {
        var total = known ?? 0, highest = knownHighest
        let columns = grid.columns
        if known == nil {
            probability.withUnsafeBufferPointer { p in
                for r in box.r0...box.r1 {
                    for c in box.c0...box.c1 {
                        let q = p[r &* columns &+ c]
                        total += q
                        highest = max(highest, q)
                    }
                }
            }
        }
        guard total > 1e-300, total.isFinite else {
            restart(grid: grid)
            return
        }
        let scale = 1 / total
        let floor = highest * Self.negligible
        var c0 = grid.columns, c1 = -1, r0 = grid.rows, r1 = -1
        var inside = false, outside = false
        let walls = grid.hasWalls
        probability.withUnsafeMutableBufferPointer { p in
            grid.insideRegion.withUnsafeBufferPointer { inRegion in
                grid.outsideRegion.withUnsafeBufferPointer { outRegion in
                    for r in box.r0...box.r1 {
                        var first = Int.max, last = -1
                        for c in box.c0...box.c1 {
                            let cell = r &* columns &+ c
                            if p[cell] > floor {
                                p[cell] *= scale
                                first = min(first, c)
                                last = c
                                if walls {
                                    inside = inside || inRegion[cell]
                                    outside = outside || outRegion[cell]
                                }
                            } else {
                                p[cell] = 0
                            }
                        }
                        if last >= 0 {
                            c0 = min(c0, first)
                            c1 = max(c1, last)
                            r0 = min(r0, r)
                            r1 = r
                        }
                    }
                }
            }
        }
        box = Grid.Box(c0: c0, c1: c1, r0: r0, r1: r1)
        massInside = inside
        massOutside = outside
    }
}

/// The per-cell loss of one batch of readings, over buffers that live for one update.
private struct Likelihood {
    let heard: Int
    let sensors: UnsafePointer<Int>
    let rssi: UnsafePointer<Double>
    let precisions: UnsafePointer<Double>
    let roots: UnsafePointer<Double>
    let missing: UnsafePointer<Int>
    let missingCount: Int
    let precisionSum: Double
    let offsetMean: Double
    let offsetPrecision: Double
    /// Scale of residuals of readings weaker than expected, relative to stronger ones.
    let weaker: Double
    /// Huber threshold of readings weaker than expected.
    let kWeaker: Double
    let floor: Double
    let missingRoot: Double
    let k: Double
    /// −log P(silent) by standardized margin (`SilenceModel`), `silenceTableCount` samples and
    /// the last one's copy after them.
    let silenceTable: UnsafePointer<Double>
    let silenceTableCount: Int
    /// Prior mean and precision of the exponent's deviation from the model, where a sensor's
    /// exponent is uncertain (`RadioMap.logDistanceBySensor`); a precision of 0 holds it at 0.
    let slopeMean: Double
    let slopePrecision: Double

    /// ρ of a reading's residual `r` (dB) against the map, its root precision `root`: Huber with
    /// threshold `k`, a reading weaker than the map scaled down by `weaker` (≤ 1) and cut at
    /// `kWeaker` — the body and shelves only ever take signal away.
    @inline(__always)
    func huber(_ r: Double, root: Double) -> Double {
        let scaled = (r < 0 ? -r * weaker : r) * root
        let kk = r < 0 ? kWeaker : k
        return scaled <= kk ? 0.5 * scaled * scaled : kk * scaled - 0.5 * kk * kk
    }

    /// `huber` of four residuals, each lane with the bits `huber` gives it.
    @inline(__always)
    func huber(_ r: SIMD4<Double>, root: Double) -> SIMD4<Double> {
        let weakerThanMap = r .< 0
        let scaled = r.replacing(with: -r * weaker, where: weakerThanMap) * root
        let kk = SIMD4<Double>(repeating: k).replacing(with: kWeaker, where: weakerThanMap)
        return (kk * scaled - 0.5 * kk * kk).replacing(with: 0.5 * scaled * scaled, where: scaled .<= kk)
    }

    /// Where a silent sensor's expected levels at four cells fall in the silence table
    /// (`SilenceModel.tablePosition`), clamped here as `SilenceModel.loss` would clamp them.
    @inline(__always)
    func silencePositions(_ level: SIMD4<Double>) -> SIMD4<Double> {
        let at = ((level - floor) * missingRoot + SilenceModel.tableLimit) / SilenceModel.tableStep
        let clamped = at.replacing(with: 0, where: at .< 0)
        let end = SIMD4<Double>(repeating: Double(silenceTableCount - 1))
        return clamped.replacing(with: end, where: clamped .> end)
    }

    /// −log P(silent) at four table positions (`silencePositions`, so already clamped), each
    /// lane with the bits `SilenceModel.loss` gives it.
    @inline(__always)
    func silenceLosses(atPositions position: SIMD4<Double>) -> SIMD4<Double> {
        let i0 = Int(position[0]), i1 = Int(position[1]), i2 = Int(position[2]), i3 = Int(position[3])
        let low = SIMD4(silenceTable[i0], silenceTable[i1], silenceTable[i2], silenceTable[i3])
        let high = SIMD4(silenceTable[i0 &+ 1], silenceTable[i1 &+ 1], silenceTable[i2 &+ 1], silenceTable[i3 &+ 1])
        let fraction = position - SIMD4(Double(i0), Double(i1), Double(i2), Double(i3))
        return low + fraction * (high - low)
    }

    /// −log P(silent) of one cell at its table position, clamped as `SilenceModel.loss` clamps.
    @inline(__always)
    func silenceLoss(atPosition position: Double) -> Double {
        SilenceModel.loss(silenceTable, count: silenceTableCount, atPosition: position)
    }

    /// −log L at `count` cells from `cell` into `loss`, each cell's best offset into `offset`:
    /// `slopedLosses` where an exponent is uncertain, which writes each cell's best deviation of
    /// the exponent into `slope`, else `losses`.
    @inline(__always)
    func losses(
        bySensor: UnsafePointer<Double>, logDistance: UnsafePointer<Double>?, stride: Int, from cell: Int, count: Int,
        loss: UnsafeMutablePointer<Double>, offset: UnsafeMutablePointer<Double>, slope: UnsafeMutablePointer<Double>
    ) {
        if let logDistance, slopePrecision > 0 {
            slopedLosses(
                bySensor: bySensor, logDistance: logDistance, stride: stride, from: cell, count: count, loss: loss,
                offset: offset, slope: slope)
        } else {
            losses(bySensor: bySensor, stride: stride, from: cell, count: count, loss: loss, offset: offset)
        }
    }

    /// As `losses`, with the exponent's deviation δ fitted at each cell beside the offset b
    /// (both profiled out, Gaussian priors): with xₛ = −10·log10 dₛ(c) and rₛ = zₛ − μₛ(c),
    ///     [Σw + P_b   Σwx      ] [b]   [Σwr + P_b·b₀ ]
    ///     [Σwx        Σwx² + P_δ] [δ] = [Σwxr + P_δ·δ₀],
    ///     −log L = Σ ρ((rₛ − b − δxₛ)/σₛ) + P_b(b − b₀)²/2 + P_δ(δ − δ₀)²/2,
    /// silent sensors compared with μₛ(c) + b + δxₛ. A wrong exponent misjudges near and far
    /// sensors in opposite directions, which one offset cannot take up.
    @inline(__always)
    func slopedLosses(
        bySensor: UnsafePointer<Double>, logDistance: UnsafePointer<Double>, stride denseCount: Int, from cell: Int,
        count: Int, loss: UnsafeMutablePointer<Double>, offset b: UnsafeMutablePointer<Double>,
        slope: UnsafeMutablePointer<Double>
    ) {
        typealias V = SIMD4<Double>
        let offsetMean = offsetMean, offsetPrecision = offsetPrecision, precisionSum = precisionSum
        let slopeMean = slopeMean, slopePrecision = slopePrecision
        let floor = floor, missingRoot = missingRoot
        let vectors = count / 4 * 4
        func load(_ p: UnsafePointer<Double>, _ c: Int) -> V { UnsafeRawPointer(p + c).loadUnaligned(as: V.self) }
        func load(_ p: UnsafeMutablePointer<Double>, _ c: Int) -> V { UnsafeRawPointer(p + c).loadUnaligned(as: V.self) }
        func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ c: Int) { UnsafeMutableRawPointer(p + c).storeBytes(of: v, as: V.self) }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * count) { buffer in
            let sx = buffer.baseAddress!, sxx = sx + count, sr = sx + 2 * count, sxr = sx + 3 * count
            sx.initialize(repeating: 0, count: 4 * count)
            for i in 0..<heard {
                let z = rssi[i], w = precisions[i], offsetInMap = sensors[i] &* denseCount &+ cell
                let e = bySensor + offsetInMap, x = logDistance + offsetInMap
                var c = 0
                while c < vectors {
                    let xv = load(x, c), r = z - load(e, c), wx = w * xv
                    store(load(sx, c) + wx, sx, c)
                    store(load(sxx, c) + wx * xv, sxx, c)
                    store(load(sr, c) + w * r, sr, c)
                    store(load(sxr, c) + wx * r, sxr, c)
                    c &+= 4
                }
                while c < count {
                    let r = z - e[c], wx = w * x[c]
                    sx[c] += wx
                    sxx[c] += wx * x[c]
                    sr[c] += w * r
                    sxr[c] += wx * r
                    c &+= 1
                }
            }
            // precisionSum is Σw + P_b.
            let prior = offsetPrecision * offsetMean, slopePrior = slopePrecision * slopeMean
            var c = 0
            while c < vectors {
                let a12 = load(sx, c), a22 = load(sxx, c) + slopePrecision
                let r1 = load(sr, c) + prior, r2 = load(sxr, c) + slopePrior
                let det = precisionSum * a22 - a12 * a12
                let offset = (a22 * r1 - a12 * r2) / det, delta = (precisionSum * r2 - a12 * r1) / det
                store(offset, b, c)
                store(delta, slope, c)
                let away = offset - offsetMean, bent = delta - slopeMean
                store(0.5 * away * away * offsetPrecision + 0.5 * bent * bent * slopePrecision, loss, c)
                c &+= 4
            }
            while c < count {
                let a12 = sx[c], a22 = sxx[c] + slopePrecision
                let r1 = sr[c] + prior, r2 = sxr[c] + slopePrior
                let det = precisionSum * a22 - a12 * a12
                let offset = (a22 * r1 - a12 * r2) / det, delta = (precisionSum * r2 - a12 * r1) / det
                b[c] = offset
                slope[c] = delta
                let away = offset - offsetMean, bent = delta - slopeMean
                loss[c] = 0.5 * away * away * offsetPrecision + 0.5 * bent * bent * slopePrecision
                c &+= 1
            }
            for i in 0..<heard {
                let z = rssi[i], root = roots[i], offsetInMap = sensors[i] &* denseCount &+ cell
                let e = bySensor + offsetInMap, x = logDistance + offsetInMap
                var c = 0
                while c < vectors {
                    let r = z - load(e, c) - load(b, c) - load(slope, c) * load(x, c)
                    store(load(loss, c) + huber(r, root: root), loss, c)
                    c &+= 4
                }
                while c < count {
                    loss[c] += huber(z - e[c] - b[c] - slope[c] * x[c], root: root)
                    c &+= 1
                }
            }
            // Unheard sensors as in `losses`, at the level the fitted exponent gives.
            guard missingCount > 0 else { return }
            c = 0
            while c < vectors {
                let offset = load(b, c), bent = load(slope, c)
                var total = load(loss, c)
                for j in 0..<missingCount {
                    let offsetInMap = missing[j] &* denseCount &+ cell
                    let level = load(bySensor + offsetInMap, c) + offset + bent * load(logDistance + offsetInMap, c)
                    total += silenceLosses(atPositions: silencePositions(level))
                }
                store(total, loss, c)
                c &+= 4
            }
            while c < count {
                var total = loss[c]
                for j in 0..<missingCount {
                    let offsetInMap = missing[j] &* denseCount &+ cell
                    let level = bySensor[offsetInMap &+ c] + b[c] + slope[c] * logDistance[offsetInMap &+ c]
                    total += silenceLoss(atPosition: SilenceModel.tablePosition((level - floor) * missingRoot))
                }
                loss[c] = total
                c &+= 1
            }
        }
    }

    /// −log L at `count` cells side by side from `cell` into `loss`, and each cell's best offset
    /// into `offset`, from a map laid out by sensor (sensor s's level at
    /// cell c at `bySensor[s * stride + c]`: `RadioMap.expectedBySensor`, `coarseBySensor`).
    /// Taken sensor by sensor along the row, four cells to a vector: IEEE arithmetic is the
    /// same lane by lane and the branches become selects, so each cell gets the bits one cell at
    /// a time gave it, without that chain of scalar steps and mispredicted branches.
    @inline(__always)
    func losses(
        bySensor: UnsafePointer<Double>, stride denseCount: Int, from cell: Int, count: Int,
        loss: UnsafeMutablePointer<Double>, offset b: UnsafeMutablePointer<Double>
    ) {
        typealias V = SIMD4<Double>
        let offsetMean = offsetMean, offsetPrecision = offsetPrecision, precisionSum = precisionSum
        let floor = floor, missingRoot = missingRoot
        let vectors = count / 4 * 4
        func load(_ p: UnsafePointer<Double>, _ c: Int) -> V { UnsafeRawPointer(p + c).loadUnaligned(as: V.self) }
        func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ c: Int) { UnsafeMutableRawPointer(p + c).storeBytes(of: v, as: V.self) }
        let prior = offsetPrecision * offsetMean
        for c in 0..<count { b[c] = prior }
        for i in 0..<heard {
            let z = rssi[i], precision = precisions[i], e = bySensor + (sensors[i] &* denseCount &+ cell)
            var c = 0
            while c < vectors {
                store(load(b, c) + precision * (z - load(e, c)), b, c)
                c &+= 4
            }
            while c < count {
                b[c] += precision * (z - e[c])
                c &+= 1
            }
        }
        var c = 0
        while c < vectors {
            let offset = load(b, c) / precisionSum
            store(offset, b, c)
            store(0.5 * (offset - offsetMean) * (offset - offsetMean) * offsetPrecision, loss, c)
            c &+= 4
        }
        while c < count {
            let offset = b[c] / precisionSum
            b[c] = offset
            loss[c] = 0.5 * (offset - offsetMean) * (offset - offsetMean) * offsetPrecision
            c &+= 1
        }
        // The body and shelves only ever take signal away: a reading weaker than the map says
        // is scaled down by `weaker` (≤ 1), a stronger one counts in full.
        for i in 0..<heard {
            let z = rssi[i], root = roots[i], e = bySensor + (sensors[i] &* denseCount &+ cell)
            var c = 0
            while c < vectors {
                store(load(loss, c) + huber(z - load(e, c) - load(b, c), root: root), loss, c)
                c &+= 4
            }
            while c < count {
                loss[c] += huber(z - e[c] - b[c], root: root)
                c &+= 1
            }
        }
        // Unheard sensors: −log(1 − ρ·Φ((μₛ(c) + b − floor)/σ_d)), bounded by −log q however
        // loud the cell says they should have heard it (`SilenceModel`). Summed for each cell
        // over the sensors in their order, as a running total held in registers.
        guard missingCount > 0 else { return }
        c = 0
        while c < vectors {
            let offset = load(b, c)
            var total = load(loss, c)
            for j in 0..<missingCount {
                total += silenceLosses(atPositions: silencePositions(load(bySensor + (missing[j] &* denseCount &+ cell), c) + offset))
            }
            store(total, loss, c)
            c &+= 4
        }
        while c < count {
            var total = loss[c]
            for j in 0..<missingCount {
                let level = bySensor[missing[j] &* denseCount &+ cell &+ c]
                total += silenceLoss(atPosition: SilenceModel.tablePosition((level + b[c] - floor) * missingRoot))
            }
            loss[c] = total
            c &+= 1
        }
    }
}
