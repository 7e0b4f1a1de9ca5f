import FootfallCore
import Foundation
import Positioning

/// Expected position error over the floor from the geometry of the sensors and their fitted
/// models, and where one more sensor would lower it most.
///
/// At each point the Cramér–Rao bound of log-distance ranging: sensor i's reading changes
/// with position by ∇rssᵢ = −10·nᵢ/ln 10 · (p − sᵢ)/dᵢ² (slant distance dᵢ, horizontal
/// offset p − sᵢ), so the Fisher information is J = Σᵢ ∇rssᵢ ∇rssᵢᵀ / σᵢ² over the sensors
/// that hear the point, and the RMS error bound is √trace(J⁻¹). The bound is optimistic (it
/// knows the model is right), so `scaled(toMatch:)` scales it to the leave-one-out errors.
public struct ErrorMap: Sendable {
    public let step: Double
    /// Cell centres inside the outline.
    public let cells: [Point]
    /// Predicted error (metres) per cell, capped at `cap`.
    public var errors: [Double]
    public let cap: Double

    public struct SensorModel: Sendable {
        public var position: Point3
        public var pathLoss: PathLoss
        public var noise: Double
        public init(position: Point3, pathLoss: PathLoss, noise: Double) {
            self.position = position
            self.pathLoss = pathLoss
            self.noise = noise
        }
    }

    /// Spread (dB) assumed for a sensor without a fit: real surveys leave 5–8 dB.
    public static let defaultNoise = 8.0

    /// Readings weaker than this (dBm) are not counted on.
    public static let sensitivity = -95.0

    public init(layout: StoreLayout, sensors: [SensorModel], cells requested: Int = 900, cap: Double? = nil) {
        let box = layout.outline.boundingBox
        let area = max((box.max.x - box.min.x) * (box.max.y - box.min.y), 1e-3)
        step = max(0.1, (area / Double(requested)).squareRoot())
        var cells: [Point] = []
        var y = box.min.y + step / 2
        while y < box.max.y {
            var x = box.min.x + step / 2
            while x < box.max.x {
                let p = Point(x: x, y: y)
                if layout.outline.contains(p) { cells.append(p) }
                x += step
            }
            y += step
        }
        self.cells = cells
        let limit = cap ?? max(box.max.x - box.min.x, box.max.y - box.min.y) / 2
        self.cap = limit
        errors = cells.map { Self.bound(at: $0, sensors: sensors, deviceHeight: layout.deviceHeight, cap: limit) }
    }

    /// √trace(J⁻¹) at `p`, at most `cap`.
    static func bound(at p: Point, sensors: [SensorModel], deviceHeight: Double, cap: Double) -> Double {
        var jxx = 0.0, jxy = 0.0, jyy = 0.0
        for s in sensors {
            let d = max(s.position.distance(to: p, height: deviceHeight), 0.5)
            guard s.pathLoss.rssi(atDistance: d) >= sensitivity else { continue }
            let k = 10 * s.pathLoss.exponent / log(10) / (d * d)
            let gx = k * (p.x - s.position.x), gy = k * (p.y - s.position.y)
            let w = 1 / (s.noise * s.noise)
            jxx += w * gx * gx; jxy += w * gx * gy; jyy += w * gy * gy
        }
        let det = jxx * jyy - jxy * jxy
        guard det > 1e-12 else { return cap }
        return min(((jxx + jyy) / det).squareRoot(), cap)
    }

    public func error(at p: Point) -> Double {
        var best = 0, bestDistance = Double.infinity
        for (i, c) in cells.enumerated() {
            let d = (c.x - p.x) * (c.x - p.x) + (c.y - p.y) * (c.y - p.y)
            if d < bestDistance { bestDistance = d; best = i }
        }
        return cells.isEmpty ? cap : errors[best]
    }

    public var mean: Double { errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count) }

    /// The map scaled so that its median at `points` equals the median of `measured` errors
    /// there (the leave-one-out errors); the factor is returned with it.
    public func scaled(toMatch measured: [(point: Point, error: Double)]) -> (map: ErrorMap, factor: Double) {
        let predicted = measured.map { error(at: $0.point) }.sorted()
        let observed = measured.map(\.error).sorted()
        guard let p = LeaveOneOutCheck.ErrorSummary.percentile(predicted, 0.5), p > 1e-9,
            let o = LeaveOneOutCheck.ErrorSummary.percentile(observed, 0.5)
        else { return (self, 1) }
        var copy = self
        copy.errors = errors.map { $0 * o / p }
        return (copy, o / p)
    }

    /// The position for one more sensor (at `height`, with `model`) that most lowers the mean
    /// predicted error over the floor, with the mean before and after.
    public static func bestNewSensor(
        layout: StoreLayout, sensors: [SensorModel], height: Double, model: PathLoss, noise: Double, candidates: Int = 300
    ) -> (position: Point, before: Double, after: Double)? {
        let floor = ErrorMap(layout: layout, sensors: sensors, cells: 400)
        let spots = ErrorMap(layout: layout, sensors: [], cells: candidates).cells
        var best: (Point, Double)?
        for spot in spots {
            let added = sensors + [SensorModel(position: Point3(x: spot.x, y: spot.y, z: height), pathLoss: model, noise: noise)]
            var total = 0.0
            for cell in floor.cells { total += bound(at: cell, sensors: added, deviceHeight: layout.deviceHeight, cap: floor.cap) }
            let mean = total / Double(max(floor.cells.count, 1))
            if mean < (best?.1 ?? .infinity) { best = (spot, mean) }
        }
        return best.map { ($0.0, floor.mean, $0.1) }
    }
}
