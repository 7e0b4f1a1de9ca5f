/// A point in space: a sensor's position with its height above the floor.
public struct Point3: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    public var floor: Point { Point(x: x, y: y) }

    /// Slant distance from this point to a point on a plane `height` above the floor.
    public func distance(to point: Point, height: Double) -> Double {
        let dx = x - point.x, dy = y - point.y, dz = z - height
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }
}
