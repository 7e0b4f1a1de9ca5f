import FootfallCore
import Foundation
@testable import Positioning
import Testing

/// `DiffusionCache.diffuse`: each side of the walls spreads its own mass within itself, as the
/// straightforward sum says, whichever part of the input box it holds.
@Suite struct DiffusionCacheTests {
    /// A 10 × 8 m shop with the street before its storefront (y = 0) and a door in the middle.
    static let grid = Grid(
        outline: Outline(Polygon([Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 10, y: 8), Point(x: 0, y: 8)])), step: 0.5,
        maximumCells: 10_000, band: 3, bandEdges: [(Point(x: 0, y: 0), Point(x: 10, y: 0))], entrances: [Point(x: 5, y: 0)])

    /// Mass on both sides of the storefront in a box that is wider than either side's part:
    /// a shopper's distribution by the door, with a tail on the pavement to the left.
    static func straddling() -> (p: [Double], box: Grid.Box) {
        let grid = Self.grid
        var p = [Double](repeating: 0, count: grid.columns * grid.rows)
        let (c0, r0) = grid.cellCoordinates(of: Point(x: 1, y: -2))
        let (c1, r1) = grid.cellCoordinates(of: Point(x: 7, y: 3))
        for r in r0...r1 {
            for c in c0...c1 where grid.inside[r * grid.columns + c] {
                let x = grid.originX + Double(c) * grid.step, y = grid.originY + Double(r) * grid.step
                // Inside: around (5.5, 1.5), held in the box's right part; outside: only left of x = 3.
                if y > 0 {
                    p[r * grid.columns + c] = x >= 4 ? exp(-((x - 5.5) * (x - 5.5) + (y - 1.5) * (y - 1.5))) : 0
                } else {
                    p[r * grid.columns + c] = x <= 3 ? 0.05 * exp(-((x - 2) * (x - 2) + (y + 1) * (y + 1))) : 0
                }
            }
        }
        return (p, Grid.Box(c0: c0, c1: c1, r0: r0, r1: r1))
    }

    /// Whether `cell` is on `region`'s side of the walls (doors are on both).
    static func on(_ region: DiffusionCache.Region, _ cell: Int) -> Bool {
        switch region {
        case .all: grid.inside[cell]
        case .inside: grid.insideRegion[cell]
        case .outside: grid.outsideRegion[cell]
        }
    }

    /// mask · G ∗ (share · p / (G ∗ mask)), summed cell by cell over the whole grid.
    static func reference(_ p: [Double], sigma: Double, region: DiffusionCache.Region) -> [Double] {
        let grid = Self.grid, columns = grid.columns, rows = grid.rows
        let kernel = DiffusionCache.kernel(sigma: sigma, step: grid.step, limit: max(columns, rows))
        let radius = kernel.count / 2
        let mask: [Double] = (0..<(columns * rows)).map { on(region, $0) ? 1 : 0 }
        func blurred(_ values: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: columns * rows)
            for r in 0..<rows {
                for c in 0..<columns {
                    var sum = 0.0
                    for dr in -radius...radius where r + dr >= 0 && r + dr < rows {
                        for dc in -radius...radius where c + dc >= 0 && c + dc < columns {
                            sum += kernel[dr + radius] * kernel[dc + radius] * values[(r + dr) * columns + c + dc]
                        }
                    }
                    out[r * columns + c] = sum
                }
            }
            return out
        }
        let normalization = blurred(mask)
        let source = (0..<(columns * rows)).map { cell -> Double in
            let share = region != .all && grid.door[cell] ? 0.5 : 1
            return mask[cell] > 0 && normalization[cell] > 0 ? share * p[cell] / normalization[cell] : 0
        }
        return zip(blurred(source), mask).map { $0 * $1 }
    }

    @Test(arguments: [DiffusionCache.Region.inside, .outside, .all])
    func eachSideSpreadsItsOwnMassAsTheSumSays(region: DiffusionCache.Region) {
        let grid = Self.grid
        #expect(grid.hasWalls)
        let (p, box) = Self.straddling()
        var cache = DiffusionCache()
        cache.prepare(grid)
        cache.clear(grid.all, grid: grid)
        cache.diffuse(p, input: box, sigma: 0.8, grid: grid, weight: 1, region: region)
        let expected = Self.reference(p, sigma: 0.8, region: region)
        let largest = expected.max() ?? 0
        #expect(largest > 0)
        var worst = 0.0
        for cell in expected.indices { worst = max(worst, abs(cache.accumulator[cell] - expected[cell])) }
        #expect(worst <= 1e-12 * largest, "largest difference \(worst) against a largest cell of \(largest)")
        // The walls keep the mass: what the side held (doors giving half) is what it holds.
        let held = p.indices.reduce(0.0) { sum, cell in
            sum + (Self.on(region, cell) ? (region != .all && grid.door[cell] ? 0.5 : 1) * p[cell] : 0)
        }
        let total = cache.accumulator.reduce(0, +)
        #expect(abs(total - held) <= 1e-9 * held, "\(total) against \(held)")
    }

    @Test func aSideWithNoMassAddsNothing() {
        let grid = Self.grid
        var (p, box) = Self.straddling()
        for cell in p.indices where grid.outsideRegion[cell] { p[cell] = 0 }
        #expect(p.contains { $0 > 0 })
        var cache = DiffusionCache()
        cache.prepare(grid)
        cache.clear(grid.all, grid: grid)
        cache.diffuse(p, input: box, sigma: 0.8, grid: grid, weight: 1, region: .outside)
        #expect(cache.accumulator.allSatisfy { $0 == 0 })
    }
}
