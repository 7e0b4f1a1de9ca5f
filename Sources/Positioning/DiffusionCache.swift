import Foundation

/// Gaussian diffusion of a probability grid inside the outline, restricted to the rectangle
/// where the probability lives, with the pieces that depend only on the spread (kernel,
/// normalisation) kept between calls: estimates usually come at a steady cadence, so the same
/// spreads recur. Also owns the scratch buffers, so a prediction allocates nothing.
///
/// Walls of the outline conserve probability instead of absorbing it: each cell's mass is
/// spread only over inside cells,
///     p′ = mask · G ∗ (p / (G ∗ mask)),
/// otherwise cells along the outline would lose mass at every step and estimates would be
/// pulled towards the middle of the store.
struct DiffusionCache: Sendable {
    struct Entry: Sendable {
        var kernel: [Double]
        var radius: Int
        var normalization: [Double]
        /// The same for the cells of each side of the walls (empty when the grid has none).
        var insideNormalization: [Double] = []
        var outsideNormalization: [Double] = []
    }

    /// Where the diffused mass may go: every cell, or one side of the walls (doors included).
    enum Region: Sendable {
        case all, inside, outside

        func mask(_ grid: Grid) -> [Bool] {
            switch self {
            case .all: grid.inside
            case .inside: grid.insideRegion
            case .outside: grid.outsideRegion
            }
        }
    }

    private var entries: [Int: Entry] = [:]
    private var source: [Double] = []
    private var middle: [Double] = []
    /// One row, for the column pass.
    private var line: [Double] = []
    /// Each region's cells as 1 and the rest as 0, for the blur's masked sum.
    private var maskAll: [Double] = []
    private var maskInside: [Double] = []
    private var maskOutside: [Double] = []
    /// Where `diffuse` adds its results.
    private(set) var accumulator: [Double] = []
    /// Scratch for callers (the advected walking share).
    var moved: [Double] = []

    init() {}

    /// The kernel for `sigma` (spreads within 5% share one) and its normalisation.
    mutating func entry(sigma: Double, grid: Grid) -> Entry {
        let key = Int((sigma / grid.step * 20).rounded())
        if let cached = entries[key] { return cached }
        if entries.count >= 64 { entries.removeAll(keepingCapacity: true) }
        let kernel = Self.kernel(sigma: Double(key) / 20 * grid.step, step: grid.step, limit: max(grid.columns, grid.rows))
        let radius = kernel.count / 2
        prepare(grid)
        let saved = accumulator
        func normalization(_ region: Region) -> [Double] {
            let mask = maskValues(region)
            clear(grid.all, grid: grid)
            blur(mask, input: grid.all, kernel: kernel, radius: radius, grid: grid, weight: 1, mask: mask)
            return accumulator
        }
        var entry = Entry(kernel: kernel, radius: radius, normalization: normalization(.all))
        if grid.hasWalls {
            entry.insideNormalization = normalization(.inside)
            entry.outsideNormalization = normalization(.outside)
        }
        accumulator = saved
        entries[key] = entry
        return entry
    }

    /// Sizes the buffers for the grid.
    mutating func prepare(_ grid: Grid) {
        let n = grid.columns * grid.rows
        if accumulator.count != n {
            source = [Double](repeating: 0, count: n)
            middle = [Double](repeating: 0, count: n)
            accumulator = [Double](repeating: 0, count: n)
            moved = [Double](repeating: 0, count: n)
            line = [Double](repeating: 0, count: grid.columns)
            maskAll = grid.inside.map { $0 ? 1 : 0 }
            maskInside = grid.insideRegion.map { $0 ? 1 : 0 }
            maskOutside = grid.outsideRegion.map { $0 ? 1 : 0 }
        }
    }

    private func maskValues(_ region: Region) -> [Double] {
        switch region {
        case .all: maskAll
        case .inside: maskInside
        case .outside: maskOutside
        }
    }

    mutating func clear(_ box: Grid.Box, grid: Grid) {
        let columns = grid.columns
        accumulator.withUnsafeMutableBufferPointer { acc in
            for r in box.r0...box.r1 {
                for c in box.c0...box.c1 { acc[r &* columns &+ c] = 0 }
            }
        }
    }

    /// Zeroes the walking share's scratch over `box`, ready for the next device.
    mutating func zeroMoved(_ box: Grid.Box, grid: Grid) {
        let columns = grid.columns
        moved.withUnsafeMutableBufferPointer { moved in
            for r in box.r0...box.r1 {
                for c in box.c0...box.c1 { moved[r &* columns &+ c] = 0 }
            }
        }
    }

    /// Copies the accumulator over `box` into `p`, values below `share` of the largest as 0.
    func copyAccumulator(_ box: Grid.Box, grid: Grid, into p: UnsafeMutableBufferPointer<Double>, dropBelow share: Double) {
        let columns = grid.columns
        accumulator.withUnsafeBufferPointer { acc in
            var highest = 0.0
            for r in box.r0...box.r1 {
                for c in box.c0...box.c1 { highest = max(highest, acc[r &* columns &+ c]) }
            }
            let floor = highest * share
            for r in box.r0...box.r1 {
                for c in box.c0...box.c1 {
                    let q = acc[r &* columns &+ c]
                    p[r &* columns &+ c] = q > floor ? q : 0
                }
            }
        }
    }

    /// Adds `weight` · mask · G ∗ (p / (G ∗ mask)) to the accumulator, for p non-zero only in
    /// `input`; returns the box the result can reach.
    @discardableResult
    /// With a `region`, only the mass of that side of the walls moves, and only within it; a
    /// door's cells belong to both sides and give half their mass to each.
    mutating func diffuse(
        _ p: [Double], input: Grid.Box, sigma: Double, grid: Grid, weight: Double, region: Region = .all
    ) -> Grid.Box {
        let e = entry(sigma: sigma, grid: grid)
        let allowed = region.mask(grid)
        let normalization: [Double]
        switch region {
        case .all: normalization = e.normalization
        case .inside: normalization = e.insideNormalization
        case .outside: normalization = e.outsideNormalization
        }
        let columns = grid.columns, split = region != .all
        p.withUnsafeBufferPointer { p in
            allowed.withUnsafeBufferPointer { allowed in
                normalization.withUnsafeBufferPointer { normalization in
                    grid.door.withUnsafeBufferPointer { door in
                        source.withUnsafeMutableBufferPointer { source in
                            for r in input.r0...input.r1 {
                                for c in input.c0...input.c1 {
                                    let cell = r &* columns &+ c
                                    let share = split && door[cell] ? 0.5 : 1
                                    source[cell] = allowed[cell] && normalization[cell] > 0 ? share * p[cell] / normalization[cell] : 0
                                }
                            }
                        }
                    }
                }
            }
        }
        return blur(source, input: input, kernel: e.kernel, radius: e.radius, grid: grid, weight: weight, mask: maskValues(region))
    }

    /// Sampled Gaussian, taps at whole cells out to 3σ, summing to 1.
    static func kernel(sigma: Double, step: Double, limit: Int) -> [Double] {
        let sigma = max(sigma, 1e-3)
        let radius = min(Int((3 * sigma / step).rounded(.up)), limit)
        var taps = (-radius...radius).map { k -> Double in
            let x = Double(k) * step / sigma
            return exp(-0.5 * x * x)
        }
        let sum = taps.reduce(0, +)
        for i in taps.indices { taps[i] /= sum }
        return taps
    }

    /// Separable convolution (rows, then columns) of `input` (zero outside its box) into the
    /// accumulator over the box grown by the radius, cells of `mask` only.
    @discardableResult
    private mutating func blur(
        _ input: [Double], input box: Grid.Box, kernel: [Double], radius: Int, grid: Grid, weight: Double, mask: [Double]
    ) -> Grid.Box {
        let out = box.expanded(by: radius, within: grid)
        let columns = grid.columns
        // Written as sums of shifted rows (axpy), which the compiler vectorises; the input is
        // zero outside its box, so each shift only reads the part of the row inside it.
        input.withUnsafeBufferPointer { src in
            kernel.withUnsafeBufferPointer { taps in
                middle.withUnsafeMutableBufferPointer { mid in
                    // Along rows: mid[r, c] = Σₖ taps[k] · src[r, c + k].
                    for r in box.r0...box.r1 {
                        let m = mid.baseAddress! + r &* columns
                        let s = src.baseAddress! + r &* columns
                        for c in out.c0...out.c1 { m[c] = 0 }
                        for k in -radius...radius {
                            let t = taps[k &+ radius]
                            let first = max(out.c0, box.c0 &- k), last = min(out.c1, box.c1 &- k)
                            guard first <= last else { continue }
                            let shifted = s + k
                            for c in first...last { m[c] += t * shifted[c] }
                        }
                    }
                    // Along columns: acc[r, c] += weight · mask[r, c] · Σₖ taps[k] · mid[r + k, c].
                    mask.withUnsafeBufferPointer { allowed in
                        line.withUnsafeMutableBufferPointer { line in
                            accumulator.withUnsafeMutableBufferPointer { acc in
                                let l = line.baseAddress!
                                for r in out.r0...out.r1 {
                                    let low = max(-radius, box.r0 &- r), high = min(radius, box.r1 &- r)
                                    guard low <= high else { continue }
                                    for c in out.c0...out.c1 { l[c] = 0 }
                                    for k in low...high {
                                        let t = taps[k &+ radius]
                                        let m = mid.baseAddress! + (r &+ k) &* columns
                                        for c in out.c0...out.c1 { l[c] += t * m[c] }
                                    }
                                    let a = acc.baseAddress! + r &* columns
                                    let w = allowed.baseAddress! + r &* columns
                                    for c in out.c0...out.c1 { a[c] += weight * w[c] * l[c] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
