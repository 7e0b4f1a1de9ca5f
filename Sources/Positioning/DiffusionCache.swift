import Foundation

/// Gaussian diffusion of a probability grid inside the outline, with the pieces that depend
/// only on the spread (kernel, normalisation) kept between calls: estimates usually come at a
/// steady cadence, so the same spreads recur.
///
/// Walls of the outline conserve probability instead of absorbing it: each cell's mass is
/// spread only over inside cells,
///     p′ = mask · G ∗ (p / (G ∗ mask)),
/// otherwise cells along the outline would lose mass at every step and estimates would be
/// pulled towards the middle of the store.
struct DiffusionCache: Sendable {
    private struct Entry: Sendable {
        var kernel: [Double]
        var normalization: [Double]
    }

    private var entries: [Int: Entry] = [:]
    private var scratch: [Double] = []

    init() {}

    mutating func diffuse(_ p: [Double], sigma: Double, grid: Grid) -> [Double] {
        // Spreads within 1% of a cell share an entry.
        let key = Int((sigma / grid.step * 100).rounded())
        let entry: Entry
        if let cached = entries[key] {
            entry = cached
        } else {
            if entries.count >= 64 { entries.removeAll(keepingCapacity: true) }
            let kernel = Self.kernel(sigma: sigma, step: grid.step, limit: max(grid.columns, grid.rows))
            var mask = [Double](repeating: 0, count: p.count)
            for cell in grid.cells { mask[cell] = 1 }
            let normalization = blur(mask, kernel: kernel, grid: grid)
            entry = Entry(kernel: kernel, normalization: normalization)
            entries[key] = entry
        }
        var source = [Double](repeating: 0, count: p.count)
        for cell in grid.cells where entry.normalization[cell] > 0 {
            source[cell] = p[cell] / entry.normalization[cell]
        }
        var result = blur(source, kernel: entry.kernel, grid: grid)
        for i in result.indices where !grid.inside[i] { result[i] = 0 }
        return result
    }

    /// Sampled Gaussian, taps at whole cells out to 3σ, summing to 1.
    static func kernel(sigma: Double, step: Double, limit: Int) -> [Double] {
        let radius = min(Int((3 * sigma / step).rounded(.up)), limit)
        var taps = (-radius...radius).map { k -> Double in
            let x = Double(k) * step / sigma
            return exp(-0.5 * x * x)
        }
        let sum = taps.reduce(0, +)
        for i in taps.indices { taps[i] /= sum }
        return taps
    }

    /// Separable convolution, rows then columns, zero outside the grid.
    private mutating func blur(_ input: [Double], kernel: [Double], grid: Grid) -> [Double] {
        let columns = grid.columns, rows = grid.rows
        let radius = kernel.count / 2
        if scratch.count != input.count { scratch = [Double](repeating: 0, count: input.count) }
        var output = [Double](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { src in
            kernel.withUnsafeBufferPointer { taps in
                scratch.withUnsafeMutableBufferPointer { mid in
                    for r in 0..<rows {
                        let base = r * columns
                        for c in 0..<columns {
                            var sum = 0.0
                            let low = max(-radius, -c), high = min(radius, columns - 1 - c)
                            if low <= high {
                                for k in low...high { sum += taps[k + radius] * src[base + c + k] }
                            }
                            mid[base + c] = sum
                        }
                    }
                    output.withUnsafeMutableBufferPointer { out in
                        for r in 0..<rows {
                            let low = max(-radius, -r), high = min(radius, rows - 1 - r)
                            for c in 0..<columns {
                                var sum = 0.0
                                if low <= high {
                                    for k in low...high { sum += taps[k + radius] * mid[(r + k) * columns + c] }
                                }
                                out[r * columns + c] = sum
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
