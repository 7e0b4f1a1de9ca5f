import FootfallCore

/// A walked path as straight segments, for recordings that give the path rather than a
/// position per reading (the Kolakowski walk). An estimate's error is then its distance to the
/// nearest segment: the error across the path, not the lag along it, so it flatters every
/// method scored this way alike.
public struct PathReference: Hashable, Sendable {
    public struct Segment: Hashable, Sendable {
        public var start: Point
        public var end: Point
        public init(_ start: Point, _ end: Point) {
            self.start = start
            self.end = end
        }

        /// Distance from `p` to the closest point of the segment: the projection of `p` onto
        /// the line, t = (p − a)·(b − a) / |b − a|², clamped to the segment's ends.
        public func distance(from p: Point) -> Double {
            let ab = end - start
            let length2 = ab.x * ab.x + ab.y * ab.y
            let t = length2 > 0 ? max(0, min(1, ((p.x - start.x) * ab.x + (p.y - start.y) * ab.y) / length2)) : 0
            return p.distance(to: start + ab * t)
        }
    }

    public var segments: [Segment]

    public init(_ segments: [Segment]) {
        self.segments = segments
    }

    /// Distance to the nearest segment; infinite for a path with none.
    public func distance(from p: Point) -> Double {
        segments.map { $0.distance(from: p) }.min() ?? .infinity
    }
}
