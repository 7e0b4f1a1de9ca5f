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
    }

    private var entries: [Int: Entry] = [:]
    private var source: [Double] = []
    private var middle: [Double] = []
    /// Each region's cells as 1 and the rest as 0, for the blur's masked sum.
    private var maskAll: [Double] = []
    private var maskInside: [Double] = []
    private var maskOutside: [Double] = []
    /// Each cell's share of its mass given to one side of the walls: ½ in a door, 1 elsewhere.
    private var doorShare: [Double] = []
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
            maskAll = grid.inside.map { $0 ? 1 : 0 }
            maskInside = grid.insideRegion.map { $0 ? 1 : 0 }
            maskOutside = grid.outsideRegion.map { $0 ? 1 : 0 }
            doorShare = grid.door.map { $0 ? 0.5 : 1 }
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

    private typealias Vector = SIMD4<Double>

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>, _ i: Int) -> Vector {
        UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func store(_ v: Vector, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vector.self)
    }

    /// Copies the accumulator over `box` into `p`, values below `share` of the largest as 0.
    /// Four cells at a time: the largest of non-negative numbers is the same whichever order
    /// they are compared in, and one running maximum was a chain of dependent compares.
    func copyAccumulator(_ box: Grid.Box, grid: Grid, into p: UnsafeMutableBufferPointer<Double>, dropBelow share: Double) {
        let columns = grid.columns, count = box.c1 &- box.c0 &+ 1, vectors = count / 4 * 4
        accumulator.withUnsafeBufferPointer { acc in
            var highest = 0.0, highest4 = Vector(repeating: 0)
            for r in box.r0...box.r1 {
                let row = acc.baseAddress! + (r &* columns &+ box.c0)
                var c = 0
                while c < vectors {
                    let v = Self.load(row, c)
                    highest4 = highest4.replacing(with: v, where: v .> highest4)
                    c &+= 4
                }
                while c < count {
                    highest = max(highest, row[c])
                    c &+= 1
                }
            }
            highest = max(highest, highest4.max())
            let floor = highest * share
            let zero = Vector(repeating: 0)
            for r in box.r0...box.r1 {
                let row = acc.baseAddress! + (r &* columns &+ box.c0), out = p.baseAddress! + (r &* columns &+ box.c0)
                var c = 0
                while c < vectors {
                    let v = Self.load(row, c)
                    Self.store(zero.replacing(with: v, where: v .> floor), out, c)
                    c &+= 4
                }
                while c < count {
                    let q = row[c]
                    out[c] = q > floor ? q : 0
                    c &+= 1
                }
            }
        }
    }

    /// Adds `weight` · mask · G ∗ (p / (G ∗ mask)) to the accumulator, for p non-zero only in
    /// `input`.
    /// With a `region`, only the mass of that side of the walls moves, and only within it; a
    /// door's cells belong to both sides and give half their mass to each.
    /// Only the rows and columns where that side's mass lies are blurred (a distribution that
    /// straddles the storefront has each side in part of its box): the cells left out are 0,
    /// whose terms add +0 to sums of non-negative terms, so every cell gets the same bits.
    mutating func diffuse(
        _ p: [Double], input: Grid.Box, sigma: Double, grid: Grid, weight: Double, region: Region = .all
    ) {
        let e = entry(sigma: sigma, grid: grid)
        let normalization: [Double]
        switch region {
        case .all: normalization = e.normalization
        case .inside: normalization = e.insideNormalization
        case .outside: normalization = e.outsideNormalization
        }
        let columns = grid.columns, split = region != .all, mask = maskValues(region)
        let count = input.c1 &- input.c0 &+ 1, vectors = count / 4 * 4
        // Where the source is not 0: columns from the input box's first, and rows.
        var first = count, last = -1, top = -1, bottom = -1
        // Four cells at a time, each with the same division as alone; lanes the region or a
        // zero normalisation leave out are set to 0 whatever their quotient.
        p.withUnsafeBufferPointer { p in
            mask.withUnsafeBufferPointer { allowed in
                normalization.withUnsafeBufferPointer { normalization in
                    doorShare.withUnsafeBufferPointer { doorShare in
                        source.withUnsafeMutableBufferPointer { source in
                            let zero = Vector(repeating: 0), whole = Vector(repeating: 1)
                            for r in input.r0...input.r1 {
                                let start = r &* columns &+ input.c0
                                let p = p.baseAddress! + start, n = normalization.baseAddress! + start
                                let allowed = allowed.baseAddress! + start, shares = doorShare.baseAddress! + start
                                let out = source.baseAddress! + start
                                var rowFirst = count, rowLast = -1
                                var c = 0
                                while c < vectors {
                                    let norm = Self.load(n, c)
                                    let share = split ? Self.load(shares, c) : whole
                                    let q = share * Self.load(p, c) / norm
                                    let v = zero.replacing(with: q, where: (Self.load(allowed, c) .> 0) .& (norm .> 0))
                                    Self.store(v, out, c)
                                    let live = v .> zero
                                    if any(live) {
                                        for lane in 0..<4 where live[lane] {
                                            rowFirst = min(rowFirst, c &+ lane)
                                            rowLast = c &+ lane
                                        }
                                    }
                                    c &+= 4
                                }
                                while c < count {
                                    let share = split ? shares[c] : 1
                                    let v = allowed[c] > 0 && n[c] > 0 ? share * p[c] / n[c] : 0
                                    out[c] = v
                                    if v > 0 {
                                        rowFirst = min(rowFirst, c)
                                        rowLast = c
                                    }
                                    c &+= 1
                                }
                                if rowLast >= 0 {
                                    first = min(first, rowFirst)
                                    last = max(last, rowLast)
                                    if top < 0 { top = r }
                                    bottom = r
                                }
                            }
                        }
                    }
                }
            }
        }
        guard last >= 0 else { return }
        let held = Grid.Box(c0: input.c0 &+ first, c1: input.c0 &+ last, r0: top, r1: bottom)
        blur(source, input: held, kernel: e.kernel, radius: e.radius, grid: grid, weight: weight, mask: mask)
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
    private mutating func blur(
        _ input: [Double], input box: Grid.Box, kernel: [Double], radius: Int, grid: Grid, weight: Double, mask: [Double]
    ) {
        let out = box.expanded(by: radius, within: grid)
        let columns = grid.columns
        // Written as sums of shifted rows (axpy), which the compiler vectorises; the input is
        // zero outside its box, so each shift only reads the part of the row inside it.
        input.withUnsafeBufferPointer { src in
            kernel.withUnsafeBufferPointer { taps in
                middle.withUnsafeMutableBufferPointer { mid in
                    // Along rows: mid[r, c] = Σₖ taps[k] · src[r, c + k], four columns at a time
                    // with their sums in registers, over the box's part of the row copied between
                    // zeros: a lane whose column is outside the box adds taps[k] · 0 = +0 to a
                    // sum of non-negative terms, which leaves its bits as skipping the tap did;
                    // each sum still runs over the taps in increasing k.
                    let width = box.c1 &- box.c0 &+ 1, pad = 4
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: width &+ 2 &* pad) { padded in
                        let row = padded.baseAddress!
                        for i in 0..<pad {
                            row[i] = 0
                            row[pad &+ width &+ i] = 0
                        }
                        // Column j of the row is at row[j − box.c0 + pad].
                        let base = row + (pad &- box.c0)
                        let vectorEnd = out.c1 &- 3
                        for r in box.r0...box.r1 {
                            let m = mid.baseAddress! + r &* columns
                            let s = src.baseAddress! + r &* columns
                            (row + pad).update(from: s + box.c0, count: width)
                            var c = out.c0
                            while c <= vectorEnd {
                                var sum = Self.Vector(repeating: 0)
                                let low = max(-radius, box.c0 &- c &- 3), high = min(radius, box.c1 &- c)
                                if low <= high {
                                    for k in low...high { sum += taps[k &+ radius] * Self.load(base + (c &+ k), 0) }
                                }
                                Self.store(sum, m, c)
                                c &+= 4
                            }
                            while c <= out.c1 {
                                var sum = 0.0
                                let low = max(-radius, box.c0 &- c), high = min(radius, box.c1 &- c)
                                if low <= high {
                                    for k in low...high { sum += taps[k &+ radius] * s[c &+ k] }
                                }
                                m[c] = sum
                                c &+= 1
                            }
                        }
                    }
                    // Along columns: acc[r, c] += weight · mask[r, c] · Σₖ taps[k] · mid[r + k, c],
                    // four columns at a time with their sums in registers, each over k in the
                    // same order as a row of sums kept in memory gave it.
                    mask.withUnsafeBufferPointer { allowed in
                        accumulator.withUnsafeMutableBufferPointer { acc in
                            let vectorEnd = out.c1 &- 3
                            for r in out.r0...out.r1 {
                                let low = max(-radius, box.r0 &- r), high = min(radius, box.r1 &- r)
                                guard low <= high else { continue }
                                let a = acc.baseAddress! + r &* columns
                                let w = allowed.baseAddress! + r &* columns
                                var c = out.c0
                                while c <= vectorEnd {
                                    var sum = Self.Vector(repeating: 0)
                                    for k in low...high {
                                        sum += taps[k &+ radius] * Self.load(mid.baseAddress! + (r &+ k) &* columns, c)
                                    }
                                    Self.store(Self.load(a, c) + weight * Self.load(w, c) * sum, a, c)
                                    c &+= 4
                                }
                                while c <= out.c1 {
                                    var sum = 0.0
                                    for k in low...high { sum += taps[k &+ radius] * mid[(r &+ k) &* columns &+ c] }
                                    a[c] += weight * w[c] * sum
                                    c &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
