/// A simple polygon in the store frame. Vertices are listed once (the closing edge from the
/// last vertex back to the first is implied); a configuration may repeat the first vertex
/// at the end and it is dropped when read.
public struct Polygon: Hashable, Sendable, Codable {
    public var vertices: [Point]

    public init(_ vertices: [Point]) {
        if vertices.count > 1, vertices.first == vertices.last {
            self.vertices = Array(vertices.dropLast())
        } else {
            self.vertices = vertices
        }
    }

    public init(rectangleFrom a: Point, to b: Point) {
        self.init([
            Point(x: min(a.x, b.x), y: min(a.y, b.y)), Point(x: max(a.x, b.x), y: min(a.y, b.y)),
            Point(x: max(a.x, b.x), y: max(a.y, b.y)), Point(x: min(a.x, b.x), y: max(a.y, b.y)),
        ])
    }

    /// The edges as pairs of end points, the closing edge last.
    public var edges: [(Point, Point)] {
        guard vertices.count > 1 else { return [] }
        return vertices.indices.map { (vertices[$0], vertices[($0 + 1) % vertices.count]) }
    }

    /// Signed area by the shoelace formula: positive for counter-clockwise vertices.
    public var signedArea: Double {
        var sum = 0.0
        for (a, b) in edges { sum += a.x * b.y - b.x * a.y }
        return sum / 2
    }

    public var area: Double { abs(signedArea) }

    public var centroid: Point {
        let a = signedArea
        guard abs(a) > 1e-12 else {
            let n = Double(max(vertices.count, 1))
            return Point(x: vertices.map(\.x).reduce(0, +) / n, y: vertices.map(\.y).reduce(0, +) / n)
        }
        var cx = 0.0, cy = 0.0
        for (p, q) in edges {
            let cross = p.x * q.y - q.x * p.y
            cx += (p.x + q.x) * cross
            cy += (p.y + q.y) * cross
        }
        return Point(x: cx / (6 * a), y: cy / (6 * a))
    }

    public var boundingBox: (min: Point, max: Point) {
        let xs = vertices.map(\.x), ys = vertices.map(\.y)
        return (Point(x: xs.min() ?? 0, y: ys.min() ?? 0), Point(x: xs.max() ?? 0, y: ys.max() ?? 0))
    }

    /// Even–odd ray casting; points on the boundary count as inside.
    public func contains(_ p: Point) -> Bool {
        if distanceToBoundary(p) < 1e-9 { return true }
        var inside = false
        for (a, b) in edges where (a.y > p.y) != (b.y > p.y) {
            let xCross = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x)
            if p.x < xCross { inside.toggle() }
        }
        return inside
    }

    /// Distance from `p` to the nearest edge.
    public func distanceToBoundary(_ p: Point) -> Double {
        nearestBoundaryPoint(to: p).distance(to: p)
    }

    /// The point of the boundary nearest to `p` (used to clamp an estimate into the outline).
    public func nearestBoundaryPoint(to p: Point) -> Point {
        var best = vertices.first ?? p
        var bestDistance = Double.infinity
        for (a, b) in edges {
            let q = Polygon.project(p, ontoSegment: a, b)
            let d = q.distance(to: p)
            if d < bestDistance {
                bestDistance = d
                best = q
            }
        }
        return best
    }

    /// `p` itself when inside, otherwise the nearest point of the boundary.
    public func clamp(_ p: Point) -> Point {
        contains(p) ? p : nearestBoundaryPoint(to: p)
    }

    static func project(_ p: Point, ontoSegment a: Point, _ b: Point) -> Point {
        let ab = b - a
        let lengthSquared = ab.x * ab.x + ab.y * ab.y
        guard lengthSquared > 0 else { return a }
        let t = max(0, min(1, ((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / lengthSquared))
        return a + ab * t
    }

    /// The first pair of non-adjacent edges that cross, by index, or nil when the polygon is simple.
    public func firstSelfIntersection() -> (Int, Int)? {
        let e = edges
        let n = e.count
        guard n > 3 else { return nil }
        for i in 0..<n {
            for j in (i + 1)..<n {
                // Adjacent edges share a vertex; that is not a crossing.
                if j == i + 1 || (i == 0 && j == n - 1) { continue }
                if Polygon.segmentsIntersect(e[i].0, e[i].1, e[j].0, e[j].1) { return (i, j) }
            }
        }
        return nil
    }

    public var isSimple: Bool { vertices.count >= 3 && firstSelfIntersection() == nil }

    static func segmentsIntersect(_ p1: Point, _ p2: Point, _ p3: Point, _ p4: Point) -> Bool {
        func orientation(_ a: Point, _ b: Point, _ c: Point) -> Double {
            (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
        }
        func onSegment(_ a: Point, _ b: Point, _ c: Point) -> Bool {
            min(a.x, b.x) - 1e-12 <= c.x && c.x <= max(a.x, b.x) + 1e-12
                && min(a.y, b.y) - 1e-12 <= c.y && c.y <= max(a.y, b.y) + 1e-12
        }
        let d1 = orientation(p3, p4, p1), d2 = orientation(p3, p4, p2)
        let d3 = orientation(p1, p2, p3), d4 = orientation(p1, p2, p4)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
            return true
        }
        if abs(d1) < 1e-12 && onSegment(p3, p4, p1) { return true }
        if abs(d2) < 1e-12 && onSegment(p3, p4, p2) { return true }
        if abs(d3) < 1e-12 && onSegment(p1, p2, p3) { return true }
        if abs(d4) < 1e-12 && onSegment(p1, p2, p4) { return true }
        return false
    }

    /// Whether every vertex of `other` lies inside this polygon (within `tolerance` metres)
    /// and no edges cross.
    public func contains(_ other: Polygon, tolerance: Double = 1e-6) -> Bool {
        for v in other.vertices where !contains(v) && distanceToBoundary(v) > tolerance { return false }
        for (a, b) in other.edges {
            let mid = Point(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
            if !contains(mid) && distanceToBoundary(mid) > tolerance { return false }
        }
        return true
    }
}
