import FootfallCore
import Foundation

/// Position from RSSI by robust weighted non-linear least squares in the signal domain, solved
/// by Levenberg–Marquardt, with the phone's unknown transmit offset as a nuisance parameter.
///
/// Working in dBm rather than converting each reading to a distance keeps the noise close to
/// Gaussian (fading is log-normal) and lets readings too weak for any distance still count.
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
    /// The outline solutions are kept in (its bounding box while searching, the outline itself
    /// for the result), prepared once.
    let outline: Outline?

    public init(
        deviceHeight: Double = 1.2, offsetSigma: Double = 8, centroidSigma: Double = 10,
        huberThreshold: Double = 2, maximumIterations: Int = 20, outline: Polygon? = nil
    ) {
        self.deviceHeight = deviceHeight
        self.offsetSigma = offsetSigma
        self.centroidSigma = centroidSigma
        self.huberThreshold = huberThreshold
        self.maximumIterations = maximumIterations
        self.outline = outline.map(Outline.init)
    }

    /// Solves within the outline given at `init` (if any). Nil when there is no measurement.
    public func solve(_ measurements: [Measurement]) -> Solution? {
        solve(measurements, outline: outline)
    }

    /// Solves within `outline`; prefer `init(outline:)` and `solve(_:)` when solving often.
    public func solve(_ measurements: [Measurement], within outline: Polygon?) -> Solution? {
        solve(measurements, outline: outline.map(Outline.init))
    }

    /// With `bounded` false the search may leave the outline (to tell a passer-by outside the
    /// walls from a shopper inside) and the result is not clamped.
    func solve(_ measurements: [Measurement], outline: Outline?, bounded: Bool = true) -> Solution? {
        guard !measurements.isEmpty else { return nil }
        // Start at the centroid weighted by received power (mW): the strongest sensor dominates.
        var strongest = -Double.infinity
        for m in measurements { strongest = max(strongest, m.rssi) }
        var wx = 0.0, wy = 0.0, wsum = 0.0
        for m in measurements {
            let w = exp((m.rssi - strongest) * (M_LN10 / 10))
            wx += w * m.sensor.x
            wy += w * m.sensor.y
            wsum += w
        }
        let centroid = Point(x: wx / wsum, y: wy / wsum)
        let collinear = Self.isNearlyCollinear(measurements)
        let problem = Problem(
            measurements: measurements, height: deviceHeight, centroid: centroid,
            offsetPrecision: 1 / (offsetSigma * offsetSigma),
            centroidPrecision: collinear ? 1 / (centroidSigma * centroidSigma) : 0, k: huberThreshold)
        let box = outline.map { ($0.minimum, $0.maximum) }
        let bounds = bounded ? box : nil
        var best = descend(problem, from: centroid, bounds: bounds)
        // Sensors on a line (or fewer than three) leave the centroid on a mirror-symmetric
        // saddle: start again from halfway towards the middle of the store and keep the better.
        if let box, collinear {
            let middle = Point(x: (box.0.x + box.1.x) / 2, y: (box.0.y + box.1.y) / 2)
            let other = descend(problem, from: (centroid + middle) * 0.5, bounds: bounds)
            if other.evaluation.cost < best.evaluation.cost { best = other }
        }
        let theta = best.theta
        let covariance = Self.inverseSymmetric3(best.evaluation.information)
        var position = Point(x: theta.0, y: theta.1)
        if let outline, bounded { position = outline.clamp(position) }
        return Solution(
            position: position, xx: covariance?.0 ?? 100, xy: covariance?.1 ?? 0, yy: covariance?.3 ?? 100,
            offset: theta.2, iterations: best.iterations)
    }

    private struct Descent {
        var theta: (Double, Double, Double)
        var evaluation: Problem.Evaluation
        var iterations: Int
    }

    /// Levenberg–Marquardt on the robust cost, x and y projected into the bounds.
    private func descend(_ problem: Problem, from point: Point, bounds: (Point, Point)?) -> Descent {
        var theta = (point.x, point.y, 0.0)
        var current = problem.evaluate(theta)
        var lambda = 1e-3
        var iterations = 0
        while iterations < maximumIterations {
            iterations += 1
            // (JᵀWJ + λ·diag(JᵀWJ)) δ = −JᵀWr
            let a = current.information
            var damped = a
            damped.0 += lambda * a.0
            damped.3 += lambda * a.3
            damped.5 += lambda * a.5
            guard let step = Self.solveSymmetric3(damped, (-current.gradient.0, -current.gradient.1, -current.gradient.2))
            else { break }
            var candidate = (theta.0 + step.0, theta.1 + step.1, theta.2 + step.2)
            if let (low, high) = bounds {
                candidate.0 = min(max(candidate.0, low.x), high.x)
                candidate.1 = min(max(candidate.1, low.y), high.y)
            }
            let next = problem.evaluate(candidate)
            if next.cost < current.cost {
                let moved = abs(candidate.0 - theta.0) + abs(candidate.1 - theta.1)
                theta = candidate
                current = next
                lambda = max(lambda / 3, 1e-7)
                if moved < 1e-3 { break }
            } else {
                lambda *= 4
                if lambda > 1e7 { break }
            }
        }
        return Descent(theta: theta, evaluation: current, iterations: iterations)
    }

    /// Residuals, Jacobian and robust weights of the problem, apart from the solver.
    ///
    /// Residual of sensor s: eₛ = (zₛ − (Aₛ + b − 10·nₛ·log10 dₛ)) / σₛ, dₛ the slant distance;
    /// ∂eₛ/∂x = (10·nₛ / ln 10) · (x − xₛ) / dₛ² / σₛ, ∂eₛ/∂b = −1/σₛ.
    /// Cost Σ ρ(eₛ) with ρ Huber's; the normal equations use the IRLS weights w = ρ′(e)/e.
    /// Priors: b/σ_b and, when the geometry needs it, (x − x̄)/σ_c, (y − ȳ)/σ_c.
    struct Problem {
        let measurements: [Measurement]
        let height: Double
        let centroid: Point
        let offsetPrecision: Double
        let centroidPrecision: Double
        let k: Double

        struct Evaluation {
            var cost: Double
            /// JᵀWJ as (00, 01, 02, 11, 12, 22).
            var information: (Double, Double, Double, Double, Double, Double)
            /// JᵀWr.
            var gradient: (Double, Double, Double)
        }

        func evaluate(_ t: (Double, Double, Double)) -> Evaluation {
            var cost = 0.0
            var a = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            var g = (0.0, 0.0, 0.0)
            for m in measurements {
                let inverseSigma = 1 / max(m.model.noise, 0.5)
                let ex = t.0 - m.sensor.x, ey = t.1 - m.sensor.y, ez = height - m.sensor.z
                let d2 = max(ex * ex + ey * ey + ez * ez, 0.01)
                // −10·n·log10(d) = −(5·n / ln 10)·ln(d²)
                let slope = 10 * m.model.pathLoss.exponent / M_LN10
                let predicted = m.model.pathLoss.rssiAt1m + t.2 - 0.5 * slope * log(d2)
                let e = (m.rssi - predicted) * inverseSigma
                let magnitude = abs(e)
                let w: Double
                if magnitude <= k {
                    cost += 0.5 * e * e
                    w = 1
                } else {
                    cost += k * magnitude - 0.5 * k * k
                    w = k / magnitude
                }
                let jx = slope * ex / d2 * inverseSigma, jy = slope * ey / d2 * inverseSigma, jb = -inverseSigma
                a.0 += w * jx * jx; a.1 += w * jx * jy; a.2 += w * jx * jb
                a.3 += w * jy * jy; a.4 += w * jy * jb; a.5 += w * jb * jb
                g.0 += w * jx * e; g.1 += w * jy * e; g.2 += w * jb * e
            }
            let px = t.0 - centroid.x, py = t.1 - centroid.y
            cost += 0.5 * (offsetPrecision * t.2 * t.2 + centroidPrecision * (px * px + py * py))
            a.0 += centroidPrecision; a.3 += centroidPrecision; a.5 += offsetPrecision
            g.0 += centroidPrecision * px; g.1 += centroidPrecision * py; g.2 += offsetPrecision * t.2
            return Evaluation(cost: cost, information: a, gradient: g)
        }
    }

    /// Whether the sensors' floor positions lie close to one line: the smaller principal
    /// axis of their spread is under 5% of the larger (always true for one or two sensors).
    static func isNearlyCollinear(_ measurements: [Measurement]) -> Bool {
        guard measurements.count >= 3 else { return true }
        let n = Double(measurements.count)
        var mx = 0.0, my = 0.0
        for m in measurements {
            mx += m.sensor.x / n
            my += m.sensor.y / n
        }
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

    /// Solves the symmetric 3×3 system with the inverse by cofactors; nil when singular.
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
