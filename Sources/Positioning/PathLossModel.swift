import FootfallCore
import Foundation

/// One sensor's log-distance path-loss model with the spread of readings around it.
public struct PathLossModel: Hashable, Sendable {
    public var pathLoss: PathLoss
    /// Robust standard deviation (dB) of readings around the model.
    public var noise: Double

    public init(pathLoss: PathLoss, noise: Double = 6) {
        self.pathLoss = pathLoss
        self.noise = noise
    }

    /// Expected RSSI at slant distance `d` (metres).
    /// rssi(d) = rssiAt1m − 10 · n · log10(d), with d ≥ 0.1 m.
    @inlinable
    public func expectedRSSI(atDistance d: Double) -> Double {
        pathLoss.rssiAt1m - 10 * pathLoss.exponent * log10(max(d, 0.1))
    }

    /// Fits rssiAt1m and the exponent to (slant distance, rssi) pairs by Huber-weighted
    /// iteratively reweighted least squares, so that fades and reflections (heavy tails of
    /// real RSSI) do not drag the line. Returns nil with fewer than 10 usable samples.
    ///
    /// Linear in the unknowns: rssi = a + n · u with u = −10 · log10(d).
    /// Each iteration solves the weighted normal equations, then sets weights
    /// wᵢ = min(1, k / |rᵢ|) with k = 1.345 · σ̂ and σ̂ = 1.4826 · median|rᵢ| (MAD).
    /// An exponent outside [1, 6] means the survey does not span enough distances to tell the
    /// slope from the intercept; the exponent is then held at `fallback`'s and only the
    /// intercept is fitted.
    public static func fit(
        distances: [Double], rssi: [Double], fallback: PathLoss = .bleDefault, iterations: Int = 20
    ) -> PathLossModel? {
        precondition(distances.count == rssi.count, "one distance per reading")
        let u = distances.map { -10 * log10(max($0, 0.1)) }
        guard u.count >= 10 else { return nil }
        var weights = [Double](repeating: 1, count: u.count)
        var a = fallback.rssiAt1m
        var n = fallback.exponent
        var scale = 6.0
        var slopeFree = true
        for _ in 0..<iterations {
            var sw = 0.0, su = 0.0, sy = 0.0, suu = 0.0, suy = 0.0
            for i in u.indices {
                let w = weights[i]
                sw += w
                su += w * u[i]
                sy += w * rssi[i]
                suu += w * u[i] * u[i]
                suy += w * u[i] * rssi[i]
            }
            let determinant = sw * suu - su * su
            if slopeFree, determinant > 1e-9 * sw * sw {
                n = (sw * suy - su * sy) / determinant
                a = (sy - n * su) / sw
                if n < 1 || n > 6 {
                    slopeFree = false
                    n = fallback.exponent
                    a = (sy - n * su) / sw
                }
            } else {
                slopeFree = false
                n = fallback.exponent
                a = (sy - n * su) / sw
            }
            var residuals = u.indices.map { abs(rssi[$0] - a - n * u[$0]) }
            residuals.sort()
            scale = max(1.4826 * residuals[residuals.count / 2], 0.5)
            let k = 1.345 * scale
            for i in u.indices {
                let r = abs(rssi[i] - a - n * u[i])
                weights[i] = r <= k ? 1 : k / r
            }
        }
        return PathLossModel(pathLoss: PathLoss(rssiAt1m: a, exponent: n), noise: scale)
    }
}
