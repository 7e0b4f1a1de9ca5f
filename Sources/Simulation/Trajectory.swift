import FootfallCore

/// A person's path as timed waypoints; between two waypoints they walk in a straight line,
/// and two waypoints at the same place are a dwell.
public struct Trajectory: Sendable {
    public struct Waypoint: Sendable {
        public var time: Double
        public var point: Point
    }

    public private(set) var waypoints: [Waypoint]

    public init(start: Point, at time: Double) {
        waypoints = [Waypoint(time: time, point: start)]
    }

    public var startTime: Double { waypoints.first!.time }
    public var endTime: Double { waypoints.last!.time }
    public var end: Point { waypoints.last!.point }

    /// Walks to `point` at `speed` metres per second.
    public mutating func walk(to point: Point, speed: Double) {
        let last = waypoints.last!
        let duration = last.point.distance(to: point) / max(speed, 0.1)
        waypoints.append(Waypoint(time: last.time + duration, point: point))
    }

    /// Stays where it is for `seconds`.
    public mutating func dwell(_ seconds: Double) {
        let last = waypoints.last!
        waypoints.append(Waypoint(time: last.time + seconds, point: last.point))
    }

    /// Position and unit heading at `time`, found from `hint` (the segment last used) onwards,
    /// so a caller walking forward in time pays O(1) per query.
    public func state(at time: Double, hint: inout Int) -> (position: Point, heading: Point?) {
        if hint >= waypoints.count - 1 { hint = max(0, waypoints.count - 2) }
        while hint > 0, waypoints[hint].time > time { hint -= 1 }
        while hint < waypoints.count - 2, waypoints[hint + 1].time < time { hint += 1 }
        guard waypoints.count > 1 else { return (waypoints[0].point, nil) }
        let a = waypoints[hint], b = waypoints[hint + 1]
        let span = b.time - a.time
        let f = span > 0 ? max(0, min(1, (time - a.time) / span)) : 1
        let delta = b.point - a.point
        let length = delta.length
        return (a.point + delta * f, length > 1e-9 ? delta * (1 / length) : nil)
    }
}
