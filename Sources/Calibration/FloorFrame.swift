import Foundation

/// Maps store metres to SVG pixels: y grows north in the store and down on the page.
public struct FloorFrame: Sendable {
    public let origin: (x: Double, y: Double)
    public let maxY: Double
    public let scale: Double
    public let margin: Double
    public let width: Double
    public let height: Double

    /// A frame fitting the box `min…max` at `scale` pixels a metre with `margin` pixels around.
    public init(min: (x: Double, y: Double), max: (x: Double, y: Double), scale: Double, margin: Double = 40, extraBottom: Double = 40) {
        origin = min
        maxY = max.y
        self.scale = scale
        self.margin = margin
        width = (max.x - min.x) * scale + 2 * margin
        height = (max.y - min.y) * scale + 2 * margin + extraBottom
    }

    public func x(_ metres: Double) -> Double { margin + (metres - origin.x) * scale }
    public func y(_ metres: Double) -> Double { margin + (maxY - metres) * scale }
    public func point(_ x: Double, _ y: Double) -> (Double, Double) { (self.x(x), self.y(y)) }

    /// A scale that makes the longer side about `pixels` long.
    public static func scale(forSize size: Double, pixels: Double = 800) -> Double {
        guard size > 0 else { return 20 }
        return max(5, min(200, pixels / size))
    }
}
