extension StoreLayout {
    /// A wall of the outline with an entrance on it (within a metre): the storefront, where the
    /// street is. Elsewhere the walls back onto other premises.
    public struct Storefront: Sendable, Hashable {
        /// The wall's ends, in the outline's order.
        public var start: Point
        public var end: Point
        /// The unit vector across the wall, away from the floor: towards the street.
        public var outward: Point
    }

    /// The walls with an entrance, each with its side towards the street.
    public var storefronts: [Storefront] {
        let v = outline.vertices
        guard v.count >= 3 else { return [] }
        var walls: [Storefront] = []
        for i in v.indices {
            let a = v[i], b = v[(i + 1) % v.count]
            let e = b - a
            let length2 = e.x * e.x + e.y * e.y
            guard length2 > 0 else { continue }
            let near = entrances.contains { p in
                let t = max(0, min(1, ((p.x - a.x) * e.x + (p.y - a.y) * e.y) / length2))
                return p.distance(to: a + e * t) <= 1
            }
            guard near else { continue }
            let length = length2.squareRoot()
            var outward = Point(x: e.y / length, y: -e.x / length)
            if outline.contains(a + e * 0.5 + outward * 0.01) { outward = outward * -1 }
            walls.append(Storefront(start: a, end: b, outward: outward))
        }
        return walls
    }
}
