import FootfallCore
import Foundation

/// The fingerprint: each sensor's expected RSSI at each grid cell.
///
/// Without a survey the map is the path-loss model. With one, the survey's deviations from
/// the model fitted to it are interpolated by Gaussian-process regression (kriging): the
/// shadowing of walls, shelves and antenna patterns is a field correlated over a few metres,
///
///     δ(x) ~ GP(0, σ_s² · exp(−|x − x′|² / 2ℓ²)),   rₖ = δ(pₖ) + εₖ,   εₖ ~ N(0, σ²/nₖ),
///     μ(c) = model(c) + k(c)ᵀ (K + D)⁻¹ r,
///
/// where rₖ is the mean deviation of the nₖ readings taken around point pₖ and σ a reading's
/// spread (`rssi_noise`). Near surveyed points the map follows the measurements; between them it returns
/// to the model within ℓ; a sparse or noisy survey moves it little. Rasmussen & Williams,
/// "Gaussian Processes for Machine Learning" (2006), eq. 2.25.
struct RadioMap: Sendable {
    let grid: Grid
    let sensorCount: Int
    /// Expected RSSI by sensor over the dense grid, `sensor * columns * rows + cell` (0 outside the
    /// candidate cells): a row of cells reads each sensor's levels side by side, so the grid
    /// filter weighs a whole row at a time with vector instructions.
    let expectedBySensor: [Double]
    /// The same for the grid's coarse cells, `sensor * coarseCells.count + index`.
    let coarseBySensor: [Double]
    /// Where a sensor's exponent is uncertain, −10·log10(slant distance in metres) by sensor over
    /// the dense grid, laid out as `expectedBySensor`: how much a cell's expected level falls
    /// per unit of exponent; 0 for a sensor whose exponent was measured. Empty when no
    /// sensor's is uncertain.
    let logDistanceBySensor: [Double]
    /// The same for the coarse cells.
    let coarseLogDistance: [Double]

    /// A survey reading reduced to what the map needs.
    struct Sample: Sendable {
        var sensor: Int
        var point: Point
        var rssi: Double
    }

    /// Surveyed points closer than a quarter of the correlation length are pooled (they say
    /// the same thing), and more coarsely when there would be more than this many a sensor.
    static let maximumPoints = 600

    /// The shadowing's and the readings' settings default to the locate stage's
    /// (`PositioningConfiguration`), which the locator always passes.
    init(
        grid: Grid, sensors: [Sensor], models: [PathLossModel], deviceHeight: Double,
        survey: [Sample] = [], correlation: Double = PositioningConfiguration().shadowingCorrelation,
        shadowing: Double = PositioningConfiguration().shadowingSpread, noise: Double = PositioningConfiguration().rssiNoise,
        uncertainExponent: [Bool] = [], outsideWallLoss: Double = 0, outline: Outline? = nil
    ) {
        self.grid = grid
        let sensorCount = sensors.count
        self.sensorCount = sensorCount
        let dense = grid.columns * grid.rows
        var expected = [Double](repeating: 0, count: grid.count * sensorCount)
        let uncertain = (0..<sensorCount).map { $0 < uncertainExponent.count && uncertainExponent[$0] }
        var logDistance = [Double](repeating: 0, count: uncertain.contains(true) ? sensorCount * dense : 0)
        for slot in 0..<grid.count {
            let centre = grid.centre(slot: slot), cell = grid.cells[slot]
            for (s, sensor) in sensors.enumerated() {
                let d = sensor.position.distance(to: centre, height: deviceHeight)
                expected[slot * sensorCount + s] = models[s].expectedRSSI(atDistance: d) - (grid.withinOutline[cell] ? 0 : outsideWallLoss)
                if uncertain[s] { logDistance[s * dense + cell] = -10 * log10(max(d, 0.1)) }
            }
        }
        if !survey.isEmpty, shadowing > 0 {
            let length = max(correlation, 0.05)
            var low = survey[0].point, high = low
            for sample in survey {
                low = Point(x: min(low.x, sample.point.x), y: min(low.y, sample.point.y))
                high = Point(x: max(high.x, sample.point.x), y: max(high.y, sample.point.y))
            }
            let area = max((high.x - low.x) * (high.y - low.y), 1e-6)
            let bin = max(length / 4, (area / Double(Self.maximumPoints)).squareRoot())
            for s in 0..<sensorCount {
                let points = Self.pooled(
                    survey.lazy.filter { $0.sensor == s }.map { sample in
                        let d = sensors[s].position.distance(to: sample.point, height: deviceHeight)
                        let wall = outsideWallLoss > 0 && outline.map { !$0.contains(sample.point) } == true ? outsideWallLoss : 0
                        return (sample.point, sample.rssi - models[s].expectedRSSI(atDistance: d) + wall)
                    }, bin: bin)
                guard !points.isEmpty else { continue }
                let weights = Self.krigingWeights(points, length: length, shadowing: shadowing, noise: noise)
                let scale = -1 / (2 * length * length), reach2 = 16 * length * length
                for slot in 0..<grid.count {
                    let cx = grid.centresX[slot], cy = grid.centresY[slot]
                    var sum = 0.0
                    for (j, point) in points.enumerated() {
                        let dx = cx - point.x, dy = cy - point.y
                        let d2 = dx * dx + dy * dy
                        if d2 < reach2 { sum += weights[j] * exp(d2 * scale) }
                    }
                    expected[slot * sensorCount + s] += shadowing * shadowing * sum
                }
            }
        }
        // Computed slot by slot (`slot * sensorCount + sensor`), kept by sensor.
        var bySensor = [Double](repeating: 0, count: sensorCount * dense)
        for (slot, cell) in grid.cells.enumerated() {
            for s in 0..<sensorCount { bySensor[s * dense + cell] = expected[slot * sensorCount + s] }
        }
        expectedBySensor = bySensor
        logDistanceBySensor = logDistance
        // The same laid out over the coarse cells, `sensor * coarseCells.count + index`.
        let coarse = grid.coarseCells
        func coarsened(_ values: [Double]) -> [Double] {
            values.isEmpty ? [] : (0..<(sensorCount * coarse.count)).map { i in values[(i / coarse.count) * dense + coarse[i % coarse.count]] }
        }
        coarseBySensor = coarsened(bySensor)
        coarseLogDistance = coarsened(logDistance)
    }

    /// One surveyed point: where, the mean deviation from the model there, and of how many readings.
    struct Point2: Sendable {
        var x: Double, y: Double
        var deviation: Double
        var count: Int
    }

    /// Readings pooled by square bins of side `bin`, at their mean position.
    static func pooled(_ deviations: some Sequence<(Point, Double)>, bin: Double) -> [Point2] {
        var sums: [Int64: PoolSum] = [:]
        var order: [Int64] = []
        for (p, r) in deviations where r.isFinite {
            let key = Int64((p.x / bin).rounded(.down)) &* 1_000_003 &+ Int64((p.y / bin).rounded(.down))
            if sums[key] == nil { order.append(key) }
            sums[key, default: PoolSum()].x += p.x
            sums[key, default: PoolSum()].y += p.y
            sums[key, default: PoolSum()].r += r
            sums[key, default: PoolSum()].n += 1
        }
        return order.map { key in
            let s = sums[key]!
            let n = Double(s.n)
            return Point2(x: s.x / n, y: s.y / n, deviation: s.r / n, count: s.n)
        }
    }

    private struct PoolSum { var x = 0.0, y = 0.0, r = 0.0, n = 0 }

    /// (K + D)⁻¹ r by Cholesky: K the shadowing's covariance between the points, D each
    /// point's own noise.
    static func krigingWeights(_ points: [Point2], length: Double, shadowing: Double, noise: Double) -> [Double] {
        let m = points.count
        let variance = shadowing * shadowing, scale = -1 / (2 * length * length)
        var a = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0...i {
                let dx = points[i].x - points[j].x, dy = points[i].y - points[j].y
                a[i * m + j] = variance * exp((dx * dx + dy * dy) * scale)
            }
            a[i * m + i] += noise * noise / Double(max(points[i].count, 1)) + 1e-9 * variance
        }
        // In place: the lower triangle becomes L with L·Lᵀ = K + D.
        for j in 0..<m {
            var d = a[j * m + j]
            for k in 0..<j { d -= a[j * m + k] * a[j * m + k] }
            let root = max(d, 1e-12).squareRoot()
            a[j * m + j] = root
            for i in (j + 1)..<max(m, j + 1) {
                var v = a[i * m + j]
                for k in 0..<j { v -= a[i * m + k] * a[j * m + k] }
                a[i * m + j] = v / root
            }
        }
        // L·y = r, then Lᵀ·w = y.
        var w = points.map(\.deviation)
        for i in 0..<m {
            var v = w[i]
            for k in 0..<i { v -= a[i * m + k] * w[k] }
            w[i] = v / a[i * m + i]
        }
        for i in stride(from: m - 1, through: 0, by: -1) {
            var v = w[i]
            for k in (i + 1)..<max(m, i + 1) { v -= a[k * m + i] * w[k] }
            w[i] = v / a[i * m + i]
        }
        return w
    }
}
