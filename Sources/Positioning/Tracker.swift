import FootfallCore

/// Constant-velocity Kalman filter on position fixes, with a speed limit and an innovation
/// gate: a fix that would need the shopper to run is doubted, and only believed when the next
/// fixes agree (the track then restarts there).
///
/// State s = (x, y, vx, vy); per axis, with white-noise acceleration of density q,
///     F = [1 Δt; 0 1],   Q = q · [Δt³/3 Δt²/2; Δt²/2 Δt].
public struct Tracker: Sendable, Hashable {
    /// State (x, y, vx, vy).
    public private(set) var state = SIMD4<Double>()
    /// Covariance, row-major 4×4.
    public private(set) var covariance = SIMD16<Double>()
    public private(set) var time: Double?
    private var rejections = 0

    public var acceleration: Double
    public var maximumSpeed: Double
    /// Squared Mahalanobis distance beyond which a fix is doubted (χ² with 2 degrees of
    /// freedom: 13.8 is the 99.9% quantile).
    public var gate: Double

    public init(acceleration: Double = 0.5, maximumSpeed: Double = 2, gate: Double = 13.8) {
        self.acceleration = acceleration
        self.maximumSpeed = maximumSpeed
        self.gate = gate
    }

    public var position: Point { Point(x: state[0], y: state[1]) }
    /// The tracked speed (m/s).
    public var speed: Double { (state[2] * state[2] + state[3] * state[3]).squareRoot() }
    public var positionCovariance: (xx: Double, xy: Double, yy: Double) { (covariance[0], covariance[1], covariance[5]) }

    /// Folds in a fix with covariance (xx, xy, yy) at `time`; returns whether it was accepted.
    @discardableResult
    public mutating func update(fix: Point, xx: Double, xy: Double, yy: Double, at now: Double) -> Bool {
        guard let last = time else {
            restart(fix: fix, xx: xx, xy: xy, yy: yy, at: now)
            return true
        }
        predict(dt: max(now - last, 0))
        time = max(now, last)
        // Innovation ν = z − Hs, S = HPHᵀ + R with H selecting the position.
        let nx = fix.x - state[0], ny = fix.y - state[1]
        let s00 = covariance[0] + xx, s01 = covariance[1] + xy, s11 = covariance[5] + yy
        let determinant = s00 * s11 - s01 * s01
        guard determinant > 1e-12 else { return false }
        let i00 = s11 / determinant, i01 = -s01 / determinant, i11 = s00 / determinant
        let distance2 = nx * (i00 * nx + i01 * ny) + ny * (i01 * nx + i11 * ny)
        if distance2 > gate {
            rejections += 1
            if rejections >= 3 { restart(fix: fix, xx: xx, xy: xy, yy: yy, at: now) }
            return rejections >= 3
        }
        rejections = 0
        // K = P Hᵀ S⁻¹ (4×2): column j of PHᵀ is column j of P for j ∈ {0, 1}.
        var k0 = SIMD4<Double>(), k1 = SIMD4<Double>()
        for r in 0..<4 {
            let p0 = covariance[r * 4], p1 = covariance[r * 4 + 1]
            k0[r] = p0 * i00 + p1 * i01
            k1[r] = p0 * i01 + p1 * i11
        }
        state += k0 * nx + k1 * ny
        // P ← P − K H P (rows 0 and 1 of P are H P).
        var updated = covariance
        for r in 0..<4 {
            for c in 0..<4 {
                updated[r * 4 + c] -= k0[r] * covariance[c] + k1[r] * covariance[4 + c]
            }
        }
        covariance = updated
        limitSpeed()
        return true
    }

    /// Where the track expects the device at `now`, without changing it.
    public func predicted(at now: Double) -> Tracker {
        var copy = self
        if let last = time, now > last {
            copy.predict(dt: now - last)
            copy.time = now
        }
        return copy
    }

    private mutating func predict(dt: Double) {
        guard dt > 0 else { return }
        // s ← F s
        state[0] += dt * state[2]
        state[1] += dt * state[3]
        // P ← F P Fᵀ + Q, F = I + dt·E with E mapping velocity into position.
        var p = covariance
        for c in 0..<4 {
            p[c] += dt * p[8 + c]
            p[4 + c] += dt * p[12 + c]
        }
        for r in 0..<4 {
            p[r * 4] += dt * p[r * 4 + 2]
            p[r * 4 + 1] += dt * p[r * 4 + 3]
        }
        let q = acceleration
        let q00 = q * dt * dt * dt / 3, q02 = q * dt * dt / 2, q22 = q * dt
        p[0] += q00; p[5] += q00
        p[2] += q02; p[8] += q02; p[7] += q02; p[13] += q02
        p[10] += q22; p[15] += q22
        covariance = p
        limitSpeed()
    }

    private mutating func limitSpeed() {
        let speed = (state[2] * state[2] + state[3] * state[3]).squareRoot()
        if speed > maximumSpeed, speed > 0 {
            state[2] *= maximumSpeed / speed
            state[3] *= maximumSpeed / speed
        }
    }

    private mutating func restart(fix: Point, xx: Double, xy: Double, yy: Double, at now: Double) {
        state = SIMD4(fix.x, fix.y, 0, 0)
        // Velocity unknown: one walking speed of spread.
        let v = maximumSpeed * maximumSpeed / 4
        covariance = SIMD16(xx, xy, 0, 0, xy, yy, 0, 0, 0, 0, v, 0, 0, 0, 0, v)
        time = now
        rejections = 0
    }
}
