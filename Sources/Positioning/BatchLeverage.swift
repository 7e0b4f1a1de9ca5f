import FootfallCore
import Foundation

/// How much of a reading's deviation from its model the batch it came in has already taken up.
///
/// Each batch is fitted for the device's place, the phone's offset and (where the exponent is a
/// guess) the exponent's deviation: three or four unknowns from the few readings of one second.
/// A sensor louder than its model pulls that fit towards itself, and its residual against the
/// fit shows only part of its gain: the rest went into the place and the offset. In a linear
/// least-squares fit the share taken up is the reading's leverage h (the diagonal of the hat
/// matrix), and the residual of a fit made without the reading is the residual over (1 − h).
/// `Locator` learns the sensor gains from those residuals, so that a gain is not learnt as a
/// fraction of itself — a fraction that is largest where few sensors hear each batch, and which
/// kept the gains learnt on the simulated stores at a third to a half of the sensors' own.
///
/// The fit is linearised at the grid's mean. Its place is the batch's own, not the grid's,
/// which carries the same sensor's earlier readings: a standing phone's place is fitted to the
/// same sensor's bias second after second, so the grid's narrow spread says nothing of how
/// little the place is pulled.
struct BatchLeverage {
    /// The largest leverage taken: a residual is at most five times what it shows. A reading
    /// that decides its batch alone says little of its sensor.
    static let maximum = 0.8
    /// How far (m) one batch alone may place a device, as a prior that keeps the fit of a batch
    /// heard by two sensors solvable; 10 m and 100 m place every case of `make accuracy` within
    /// 2 % of each other (docs/positioning.md).
    static let positionSpread = 10.0

    /// The design row of one reading: how its level moves with the place (dB/m along x and y,
    /// by the sensor's model), the offset (1) and the exponent's deviation (−10 · log10 d, 0
    /// where it is not fitted).
    @inline(__always)
    static func row(sensor: Point3, model: PathLoss, at mean: Point, deviceHeight: Double, sloped: Bool) -> SIMD4<Double> {
        let dx = mean.x - sensor.x, dy = mean.y - sensor.y, dz = sensor.z - deviceHeight
        let squared = max(dx * dx + dy * dy + dz * dz, 0.01)
        let k = -10 * model.exponent / M_LN10 / squared
        return SIMD4(k * dx, k * dy, 1, sloped ? -5 * log10(squared) : 0)
    }

    /// The leverage of each of `rows[learning]` in the fit of all `rows`.
    /// - Parameters:
    ///   - noise: a reading's spread around the map (dB), against which the priors weigh.
    ///   - offsetSpread: the phone offset's prior spread (dB).
    ///   - slopePrecision: the exponent deviation's prior precision; nil where it is not fitted.
    static func leverages(
        rows: [SIMD4<Double>], learning: some Sequence<Int>, noise: Double, offsetSpread: Double, slopePrecision: Double?,
        into out: inout [Double]
    ) {
        out.removeAll(keepingCapacity: true)
        let variance = noise * noise
        // The normal matrix with the priors on its diagonal, 4 × 4 row-major.
        var a = SIMD16<Double>()
        for r in rows {
            for i in 0..<4 { for j in 0..<4 { a[i * 4 + j] += r[i] * r[j] } }
        }
        let place = variance / (positionSpread * positionSpread)
        a[0] += place
        a[5] += place
        a[10] += variance / max(offsetSpread * offsetSpread, 1e-6)
        a[15] += slopePrecision.map { variance * max($0, 1e-6) } ?? 1
        guard let inverse = invert(a) else {
            for _ in learning { out.append(maximum) }
            return
        }
        for index in learning {
            let r = rows[index]
            var h = 0.0
            for i in 0..<4 { for j in 0..<4 { h += r[i] * inverse[i * 4 + j] * r[j] } }
            out.append(min(max(h, 0), maximum))
        }
    }

    /// The inverse of a 4 × 4 row-major matrix by Gauss–Jordan elimination with partial
    /// pivoting; nil where it is singular.
    static func invert(_ matrix: SIMD16<Double>) -> SIMD16<Double>? {
        var a = matrix
        var inverse = SIMD16<Double>()
        for i in 0..<4 { inverse[i * 4 + i] = 1 }
        for c in 0..<4 {
            var pivot = c
            for r in (c + 1)..<4 where abs(a[r * 4 + c]) > abs(a[pivot * 4 + c]) { pivot = r }
            if pivot != c {
                for j in 0..<4 {
                    let t = a[c * 4 + j]; a[c * 4 + j] = a[pivot * 4 + j]; a[pivot * 4 + j] = t
                    let u = inverse[c * 4 + j]; inverse[c * 4 + j] = inverse[pivot * 4 + j]; inverse[pivot * 4 + j] = u
                }
            }
            let d = a[c * 4 + c]
            guard abs(d) > 1e-12 else { return nil }
            for j in 0..<4 {
                a[c * 4 + j] /= d
                inverse[c * 4 + j] /= d
            }
            for r in 0..<4 where r != c {
                let f = a[r * 4 + c]
                guard f != 0 else { continue }
                for j in 0..<4 {
                    a[r * 4 + j] -= f * a[c * 4 + j]
                    inverse[r * 4 + j] -= f * inverse[c * 4 + j]
                }
            }
        }
        return inverse
    }
}
