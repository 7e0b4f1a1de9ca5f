import FootfallCore

/// A regular grid of candidate positions over the outline's bounding box grown by `band`.
/// Cells whose centre lies further than `band` outside the outline are masked: nobody is
/// there. The band holds the street and the mall corridor, so that a passer-by heard through
/// the storefront has somewhere to be other than just inside the wall.
struct Grid: Sendable {
    let originX: Double
    let originY: Double
    let step: Double
    let columns: Int
    let rows: Int
    /// Per dense index (`row * columns + column`): whether the cell is a candidate position
    /// (inside the outline or within the band around it).
    let inside: [Bool]
    /// Per dense index: whether the cell's centre is inside the store's outline.
    let withinOutline: [Bool]
    /// Per dense index: whether the cell is within reach of an entrance, where the walls let
    /// people through.
    let door: [Bool]
    /// Per dense index: the cells a device inside the outline can move to without passing a
    /// wall (inside or at a door), and those a device outside can (outside or at a door).
    let insideRegion: [Bool]
    let outsideRegion: [Bool]
    /// Whether the walls matter: there is a band outside and at least one door through them.
    let hasWalls: Bool
    /// The cells of the doors' reach (`door`) among the candidates, as a box: probability can
    /// only pass between inside and outside where a distribution reaches it.
    let doorBox: Box?
    /// Dense indices of the inside cells, in order; a cell's "slot" is its position here.
    let cells: [Int]
    /// Centres of the inside cells, by slot.
    let centresX: [Double]
    let centresY: [Double]
    /// About 64 inside cells spread evenly over the grid, for cheap whole-store checks.
    let coarseCells: [Int]
    /// Whether some cells lie outside the outline (in the band); asked at every estimate.
    let hasBand: Bool

    /// - Parameter bandEdges: the walls the band lies along (the storefront: walls with an
    ///   entrance); all walls when empty.
    init(
        outline: Outline, step requested: Double, maximumCells: Int, band: Double = 0, bandEdges: [(Point, Point)] = [],
        entrances: [Point] = [], entranceRadius: Double = 1.5
    ) {
        let band = max(band, 0)
        // The box holds the outline and, with a band, the band around it and along its edges.
        var low = outline.minimum, high = outline.maximum
        if band > 0 {
            for (a, b) in bandEdges {
                low = Point(x: min(low.x, a.x, b.x), y: min(low.y, a.y, b.y))
                high = Point(x: max(high.x, a.x, b.x), y: max(high.y, a.y, b.y))
            }
        }
        let minimum = low - Point(x: band, y: band)
        let width = max(high.x - low.x + 2 * band, 0.01)
        let height = max(high.y - low.y + 2 * band, 0.01)
        // Grow the step until the box fits in the cell budget (area / step² ≤ maximum).
        let step = max(requested, (width * height / Double(max(maximumCells, 1))).squareRoot())
        self.step = step
        columns = max(Int((width / step).rounded(.up)), 1)
        rows = max(Int((height / step).rounded(.up)), 1)
        // Centre the grid on the box so that both edges get the same margin.
        originX = minimum.x + (width - Double(columns - 1) * step) / 2
        originY = minimum.y + (height - Double(rows - 1) * step) / 2
        var inside = [Bool](repeating: false, count: columns * rows)
        var withinOutline = [Bool](repeating: false, count: columns * rows)
        var cells: [Int] = []
        var xs: [Double] = []
        var ys: [Double] = []
        for row in 0..<rows {
            for column in 0..<columns {
                let p = Point(x: originX + Double(column) * step, y: originY + Double(row) * step)
                let within = outline.contains(p)
                if within || (band > 0 && Self.distance(from: p, to: bandEdges, outline: outline) <= band) {
                    withinOutline[row * columns + column] = within
                    inside[row * columns + column] = true
                    cells.append(row * columns + column)
                    xs.append(p.x)
                    ys.append(p.y)
                }
            }
        }
        if cells.isEmpty {
            // An outline thinner than a cell: keep its centre so there is somewhere to be.
            let centre = Point(x: minimum.x + width / 2, y: minimum.y + height / 2)
            inside[0] = true
            withinOutline[0] = true
            cells = [0]
            xs = [centre.x]
            ys = [centre.y]
        }
        var door = [Bool](repeating: false, count: columns * rows)
        for cell in cells {
            let p = Point(x: originX + Double(cell % columns) * step, y: originY + Double(cell / columns) * step)
            door[cell] = entrances.contains { $0.distance(to: p) <= entranceRadius }
        }
        self.door = door
        insideRegion = (0..<(columns * rows)).map { inside[$0] && (withinOutline[$0] || door[$0]) }
        outsideRegion = (0..<(columns * rows)).map { inside[$0] && (!withinOutline[$0] || door[$0]) }
        hasWalls = cells.contains { !withinOutline[$0] } && door.contains(true)
        let doorColumns = columns
        let doorCells = cells.filter { door[$0] }
        doorBox = doorCells.isEmpty ? nil : Box(
            c0: doorCells.map { $0 % doorColumns }.min()!, c1: doorCells.map { $0 % doorColumns }.max()!,
            r0: doorCells.map { $0 / doorColumns }.min()!, r1: doorCells.map { $0 / doorColumns }.max()!)
        self.inside = inside
        self.withinOutline = withinOutline
        self.cells = cells
        centresX = xs
        centresY = ys
        let stride = max(Int((Double(cells.count) / 64).squareRoot().rounded()), 1)
        let columnCount = columns
        coarseCells = cells.filter { ($0 % columnCount) % stride == 0 && ($0 / columnCount) % stride == 0 }
        hasBand = cells.contains { !withinOutline[$0] }
    }

    /// Distance from `p` to the nearest of `edges`, or to the outline when there are none.
    private static func distance(from p: Point, to edges: [(Point, Point)], outline: Outline) -> Double {
        guard !edges.isEmpty else { return outline.distanceOutside(p) }
        var best = Double.infinity
        for (a, b) in edges {
            let e = b - a
            let length2 = e.x * e.x + e.y * e.y
            let t = length2 > 0 ? max(0, min(1, ((p.x - a.x) * e.x + (p.y - a.y) * e.y) / length2)) : 0
            best = min(best, p.distance(to: a + e * t))
        }
        return best
    }

    /// Every cell.
    var all: Box { Box(c0: 0, c1: columns - 1, r0: 0, r1: rows - 1) }

    /// A rectangle of cells, bounds inclusive.
    struct Box: Sendable, Hashable {
        var c0: Int, c1: Int, r0: Int, r1: Int

        func expanded(by n: Int, within grid: Grid) -> Box {
            Box(c0: max(c0 - n, 0), c1: min(c1 + n, grid.columns - 1), r0: max(r0 - n, 0), r1: min(r1 + n, grid.rows - 1))
        }

        func overlaps(_ other: Box) -> Bool {
            c0 <= other.c1 && other.c0 <= c1 && r0 <= other.r1 && other.r0 <= r1
        }
    }

    var count: Int { cells.count }

    func centre(slot: Int) -> Point { Point(x: centresX[slot], y: centresY[slot]) }

    /// Column and row of the cell containing `p`, unclamped.
    func cellCoordinates(of p: Point) -> (column: Int, row: Int) {
        (Int(((p.x - originX) / step).rounded()), Int(((p.y - originY) / step).rounded()))
    }
}
