import FootfallCore

/// The store outline prepared for many point queries: edges are stored once as flat arrays,
/// so `contains` and `clamp` allocate nothing (FootfallCore's `Polygon` builds its edge list
/// on every call, which is fine for configuration checks but not per estimate).
struct Outline: Sendable {
    private let ax: [Double], ay: [Double], bx: [Double], by: [Double]
    let minimum: Point
    let maximum: Point

    init(_ polygon: Polygon) {
        let v = polygon.vertices
        ax = v.map(\.x)
        ay = v.map(\.y)
        bx = v.indices.map { v[($0 + 1) % v.count].x }
        by = v.indices.map { v[($0 + 1) % v.count].y }
        let box = polygon.boundingBox
        minimum = box.min
        maximum = box.max
    }

    var isEmpty: Bool { ax.count < 3 }

    /// Even–odd ray casting.
    func contains(_ p: Point) -> Bool {
        guard !isEmpty else { return true }
        var inside = false
        for i in ax.indices where (ay[i] > p.y) != (by[i] > p.y) {
            let xCross = ax[i] + (p.y - ay[i]) / (by[i] - ay[i]) * (bx[i] - ax[i])
            if p.x < xCross { inside.toggle() }
        }
        return inside
    }

    /// `p` when inside, otherwise the nearest point of the boundary.
    func clamp(_ p: Point) -> Point {
        guard !isEmpty, !contains(p) else { return p }
        return nearestBoundaryPoint(to: p)
    }

    /// The point of the boundary nearest to `p`, inside or out.
    func nearestBoundaryPoint(to p: Point) -> Point {
        var best = p
        var bestDistance = Double.infinity
        for i in ax.indices {
            let ex = bx[i] - ax[i], ey = by[i] - ay[i]
            let length2 = ex * ex + ey * ey
            let t = length2 > 0 ? max(0, min(1, ((p.x - ax[i]) * ex + (p.y - ay[i]) * ey) / length2)) : 0
            let q = Point(x: ax[i] + t * ex, y: ay[i] + t * ey)
            let d = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)
            if d < bestDistance {
                bestDistance = d
                best = q
            }
        }
        return best
    }

    /// Distance from `p` to the nearest edge, inside or out.
    func distanceToBoundary(_ p: Point) -> Double {
        isEmpty ? .infinity : nearestBoundaryPoint(to: p).distance(to: p)
    }

    /// Distance from `p` to the boundary (0 inside).
    func distanceOutside(_ p: Point) -> Double {
        clamp(p).distance(to: p)
    }
}
