import FootfallCore
import Foundation

/// Position from RSSI by weighted non-linear least squares in the signal domain, solved by
/// Levenberg–Marquardt, with the phone's unknown transmit offset as a nuisance parameter.
///
/// Working in dBm rather than converting each reading to a distance keeps the noise Gaussian
/// (fading is log-normal) and lets readings that are too weak for any distance still count.
public struct Multilateration: Sendable {
    /// One sensor's filtered reading and the model that explains it.
    public struct Measurement: Sendable, Hashable {
        public var sensor: Point3
        public var rssi: Double
        public var model: PathLossModel
        public init(sensor: Point3, rssi: Double, model: PathLossModel) {
            self.sensor = sensor
            self.rssi = rssi
            self.model = model
        }
    }

    public struct Solution: Sendable, Hashable {
        public var position: Point
        /// Covariance of the position (m²), from the Gauss–Newton information at the solution.
        public var xx: Double, xy: Double, yy: Double
        /// Estimated transmit offset of the phone relative to the models, dB.
        public var offset: Double
        public var iterations: Int
        /// One-sigma radius: √((σx² + σy²)/2).
        public var uncertainty: Double { ((xx + yy) / 2).squareRoot() }
    }

    public var deviceHeight: Double
    /// Prior standard deviation (dB) of the transmit offset.
    public var offsetSigma: Double
    /// Prior standard deviation (m) around the signal-weighted centroid of the sensors heard,
    /// applied only when the sensors cannot fix a position (fewer than three, or on a line):
    /// it picks the sensible point of an otherwise unbounded ring or line of solutions.
    public var centroidSigma: Double
    /// Huber threshold in standard deviations.
    public var huberThreshold: Double
    public var maximumIterations: Int

    public init(
        deviceHeight: Double = 1.2, offsetSigma: Double = 8, centroidSigma: Double = 10,
        huberThreshold: Double = 2, maximumIterations: Int = 20
    ) {
        self.deviceHeight = deviceHeight
        self.offsetSigma = offsetSigma
        self.centroidSigma = centroidSigma
        self.huberThreshold = huberThreshold
        self.maximumIterations = maximumIterations
    }

    /// Solves for (x, y, offset); with an outline, the search stays within its bounding box and
    /// the position is clamped into it. Nil when there is no measurement.
    public func solve(_ measurements: [Measurement], within outline: Polygon? = nil) -> Solution? {
        guard let outline else { return solve(measurements, bounds: nil) }
        let prepared = Outline(outline)
        return solve(measurements, bounds: (prepared.minimum, prepared.maximum), outline: prepared)
    }

    /// Solves for (x, y, offset); x and y stay within `bounds` (the outline's box) and the
    /// result is clamped into `outline` when given. Nil when there is no measurement.
    func solve(_ measurements: [Measurement], bounds: (min: Point, max: Point)?, outline: Outline? = nil) -> Solution? {
        guard !measurements.isEmpty else { return nil }
        // Start at the centroid weighted by received power (mW): the strongest sensor dominates.
        var wx = 0.0, wy = 0.0, wsum = 0.0
        let strongest = measurements.map(\.rssi).max() ?? 0
        for m in measurements {
            let w = pow(10, (m.rssi - strongest) / 10)
            wx += w * m.sensor.x
            wy += w * m.sensor.y
            wsum += w
        }
        let centroid = Point(x: wx / wsum, y: wy / wsum)
        let collinear = Self.isNearlyCollinear(measurements)
        let problem = Problem(
            measurements: measurements, height: deviceHeight, centroid: centroid,
            offsetSigma: offsetSigma, centroidSigma: collinear ? centroidSigma : .infinity, k: huberThreshold)
        var best = descend(problem, from: centroid, bounds: bounds)
        // Sensors on a line (or fewer than three) leave the centroid on a mirror-symmetric
        // saddle: start again from halfway towards the middle of the store and keep the better.
        if let bounds, collinear {
            let middle = Point(x: (bounds.min.x + bounds.max.x) / 2, y: (bounds.min.y + bounds.max.y) / 2)
            let other = descend(problem, from: (centroid + middle) * 0.5, bounds: bounds)
            if other.cost < best.cost { best = other }
        }
        let theta = best.theta
        let (a, _) = problem.normalEquations(theta)
        let covariance = Self.inverseSymmetric3(a)
        var position = Point(x: theta.0, y: theta.1)
        if let outline { position = outline.clamp(position) }
        return Solution(
            position: position, xx: covariance?.0 ?? 100, xy: covariance?.1 ?? 0, yy: covariance?.3 ?? 100,
            offset: theta.2, iterations: best.iterations)
    }

    private struct Descent {
        var theta: (Double, Double, Double)
        var cost: Double
        var iterations: Int
        var problem: Problem
    }

    /// Levenberg–Marquardt with Huber reweighting after each accepted step, x and y projected
    /// into the bounds.
    private func descend(_ start: Problem, from point: Point, bounds: (min: Point, max: Point)?) -> Descent {
        var problem = start
        var theta = (point.x, point.y, 0.0)
        var lambda = 1e-3
        var iterations = 0
        var cost = problem.cost(theta)
        while iterations < maximumIterations {
            iterations += 1
            let (a, g) = problem.normalEquations(theta)
            // (JᵀWJ + λ·diag(JᵀWJ)) δ = −JᵀWr
            var damped = a
            damped.0 += lambda * a.0
            damped.3 += lambda * a.3
            damped.5 += lambda * a.5
            guard let step = Self.solveSymmetric3(damped, (-g.0, -g.1, -g.2)) else { break }
            var candidate = (theta.0 + step.0, theta.1 + step.1, theta.2 + step.2)
            if let bounds {
                candidate.0 = min(max(candidate.0, bounds.min.x), bounds.max.x)
                candidate.1 = min(max(candidate.1, bounds.min.y), bounds.max.y)
            }
            let candidateCost = problem.cost(candidate)
            if candidateCost < cost {
                let moved = abs(candidate.0 - theta.0) + abs(candidate.1 - theta.1)
                theta = candidate
                lambda = max(lambda / 3, 1e-7)
                problem.reweight(theta)
                cost = problem.cost(theta)
                if moved < 1e-3 { break }
            } else {
                lambda *= 4
                if lambda > 1e7 { break }
            }
        }
        return Descent(theta: theta, cost: cost, iterations: iterations, problem: problem)
    }

    /// Whether the sensors' floor positions lie close to one line: the smaller principal
    /// axis of their spread is under 5% of the larger (always true for one or two sensors).
    static func isNearlyCollinear(_ measurements: [Measurement]) -> Bool {
        guard measurements.count >= 3 else { return true }
        let n = Double(measurements.count)
        let mx = measurements.reduce(0) { $0 + $1.sensor.x } / n
        let my = measurements.reduce(0) { $0 + $1.sensor.y } / n
        var xx = 0.0, xy = 0.0, yy = 0.0
        for m in measurements {
            xx += (m.sensor.x - mx) * (m.sensor.x - mx)
            xy += (m.sensor.x - mx) * (m.sensor.y - my)
            yy += (m.sensor.y - my) * (m.sensor.y - my)
        }
        // Eigenvalues of the 2×2 scatter matrix: (tr ± √(tr² − 4·det)) / 2.
        let trace = xx + yy, determinant = xx * yy - xy * xy
        let root = max(trace * trace - 4 * determinant, 0).squareRoot()
        let major = (trace + root) / 2, minor = (trace - root) / 2
        return minor <= 0.05 * major
    }

    /// Residuals, Jacobian and robust weights of the problem, apart from the solver.
    ///
    /// Residual of sensor s: eₛ = (zₛ − (Aₛ + b − 10·nₛ·log10 dₛ)) / σₛ, dₛ the slant distance;
    /// ∂eₛ/∂x = (10·nₛ / ln 10) · (x − xₛ) / dₛ² / σₛ, ∂eₛ/∂b = −1/σₛ.
    /// Priors: b/σ_b and (x − x̄)/σ_c, (y − ȳ)/σ_c.
    struct Problem {
        let measurements: [Measurement]
        let height: Double
        let centroid: Point
        let offsetSigma: Double
        let centroidSigma: Double
        let k: Double
        var weights: [Double]

        init(measurements: [Measurement], height: Double, centroid: Point, offsetSigma: Double, centroidSigma: Double, k: Double) {
            self.measurements = measurements
            self.height = height
            self.centroid = centroid
            self.offsetSigma = offsetSigma
            self.centroidSigma = centroidSigma
            self.k = k
            weights = [Double](repeating: 1, count: measurements.count)
        }

        func residual(_ i: Int, _ t: (Double, Double, Double)) -> (e: Double, dx: Double, dy: Double, db: Double) {
            let m = measurements[i]
            let sigma = max(m.model.noise, 0.5)
            let ex = t.0 - m.sensor.x, ey = t.1 - m.sensor.y, ez = height - m.sensor.z
            let d2 = max(ex * ex + ey * ey + ez * ez, 0.01)
            let predicted = m.model.pathLoss.rssiAt1m + t.2 - 5 * m.model.pathLoss.exponent * log10(d2)
            let e = (m.rssi - predicted) / sigma
            let slope = 10 * m.model.pathLoss.exponent / M_LN10 / d2 / sigma
            return (e, slope * ex, slope * ey, -1 / sigma)
        }

        /// Huber IRLS weights: w = 1 inside the threshold, k/|e| beyond.
        mutating func reweight(_ t: (Double, Double, Double)) {
            for i in measurements.indices {
                let e = abs(residual(i, t).e)
                weights[i] = e <= k ? 1 : k / e
            }
        }

        func cost(_ t: (Double, Double, Double)) -> Double {
            var sum = 0.0
            for i in measurements.indices {
                let e = residual(i, t).e
                sum += weights[i] * e * e
            }
            let b = t.2 / offsetSigma
            let px = (t.0 - centroid.x) / centroidSigma, py = (t.1 - centroid.y) / centroidSigma
            return sum + b * b + px * px + py * py
        }

        /// JᵀWJ as (00, 01, 02, 11, 12, 22) and JᵀWr.
        func normalEquations(_ t: (Double, Double, Double)) -> ((Double, Double, Double, Double, Double, Double), (Double, Double, Double)) {
            var a = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            var g = (0.0, 0.0, 0.0)
            for i in measurements.indices {
                let (e, jx, jy, jb) = residual(i, t)
                let w = weights[i]
                a.0 += w * jx * jx; a.1 += w * jx * jy; a.2 += w * jx * jb
                a.3 += w * jy * jy; a.4 += w * jy * jb; a.5 += w * jb * jb
                g.0 += w * jx * e; g.1 += w * jy * e; g.2 += w * jb * e
            }
            let pc = 1 / (centroidSigma * centroidSigma), pb = 1 / (offsetSigma * offsetSigma)
            a.0 += pc; a.3 += pc; a.5 += pb
            g.0 += pc * (t.0 - centroid.x); g.1 += pc * (t.1 - centroid.y); g.2 += pb * t.2
            return (a, g)
        }
    }

    /// Solves the symmetric 3×3 system by Cramer's rule; nil when singular.
    static func solveSymmetric3(
        _ a: (Double, Double, Double, Double, Double, Double), _ b: (Double, Double, Double)
    ) -> (Double, Double, Double)? {
        guard let inv = inverseSymmetric3(a) else { return nil }
        return (
            inv.0 * b.0 + inv.1 * b.1 + inv.2 * b.2,
            inv.1 * b.0 + inv.3 * b.1 + inv.4 * b.2,
            inv.2 * b.0 + inv.4 * b.1 + inv.5 * b.2
        )
    }

    /// Inverse of a symmetric 3×3 matrix (00, 01, 02, 11, 12, 22) by cofactors.
    static func inverseSymmetric3(
        _ a: (Double, Double, Double, Double, Double, Double)
    ) -> (Double, Double, Double, Double, Double, Double)? {
        let c00 = a.3 * a.5 - a.4 * a.4
        let c01 = a.2 * a.4 - a.1 * a.5
        let c02 = a.1 * a.4 - a.2 * a.3
        let determinant = a.0 * c00 + a.1 * c01 + a.2 * c02
        guard abs(determinant) > 1e-12 else { return nil }
        let c11 = a.0 * a.5 - a.2 * a.2
        let c12 = a.1 * a.2 - a.0 * a.4
        let c22 = a.0 * a.3 - a.1 * a.1
        let s = 1 / determinant
        return (c00 * s, c01 * s, c02 * s, c11 * s, c12 * s, c22 * s)
    }
}
