import FootfallCore
import Foundation
import Positioning

/// Checks a store layout for what the configuration reader cannot see line by line: zones that
/// overlap, sensors too close together to tell apart, zones no sensor covers well.
/// (`StoreConfiguration` already refuses outlines and zones that cross themselves or leave
/// the outline, and sensors far outside it.)
public struct LayoutValidator: Sendable {
    /// Two sensors nearer than this (metres, on the floor) hear almost the same thing.
    public var minimumSensorSpacing = 1.0
    /// Overlaps smaller than this (m²) are drawing slop, not a second zone.
    public var overlapTolerance = 0.05
    /// A BLE reading weaker than this (dBm) is usually lost in the noise.
    public var sensitivity = -90.0
    /// A zone is covered well when at least this many sensors hear its centre above `sensitivity`.
    public var sensorsForCoverage = 3

    public init() {}

    public func issues(in layout: StoreLayout) -> [LayoutIssue] {
        var issues: [LayoutIssue] = []
        let zones = layout.zones
        for i in zones.indices {
            for j in zones.indices where j > i {
                let area = Self.overlapArea(zones[i].polygon, zones[j].polygon)
                if area > overlapTolerance {
                    issues.append(LayoutIssue(
                        .warning, .zone(zones[j].id), field: "zones[\(j)].polygon",
                        "zone '\(zones[j].id)' overlaps zone '\(zones[i].id)' by \(Self.format(area)) m²; '\(zones[i].id)' wins there (listed first) — move the shared corners if that is not meant"))
                }
            }
        }
        let sensors = layout.sensors
        for i in sensors.indices {
            for j in sensors.indices where j > i {
                let d = sensors[i].position.floor.distance(to: sensors[j].position.floor)
                if d < minimumSensorSpacing {
                    issues.append(LayoutIssue(
                        .warning, .sensor(sensors[j].id.rawValue), field: "sensors[\(j)].position",
                        "sensor '\(sensors[j].id)' is \(Self.format(d)) m from '\(sensors[i].id)'; sensors closer than \(Self.format(minimumSensorSpacing)) m hear the same thing — move one at least \(Self.format(minimumSensorSpacing)) m away"))
                }
            }
        }
        for (index, zone) in zones.enumerated() {
            let centre = Self.representativePoint(zone.polygon)
            let heard = sensors.filter {
                $0.pathLoss(for: .ble).rssi(atDistance: $0.position.distance(to: centre, height: layout.deviceHeight)) >= sensitivity
            }
            if heard.count < sensorsForCoverage {
                let nearest = sensors.map { $0.position.floor.distance(to: centre) }.min() ?? .infinity
                issues.append(LayoutIssue(
                    .warning, .zone(zone.id), field: "zones[\(index)]",
                    "zone '\(zone.id)' is heard well by \(heard.count) sensor\(heard.count == 1 ? "" : "s") (\(sensorsForCoverage) needed to place a phone in it; nearest \(Self.format(nearest)) m from its centre) — add a sensor in or near it"))
            }
        }
        if zones.isEmpty {
            issues.append(LayoutIssue(.warning, .store, field: "zones", "the store has no zones; events will only say entered and left — add zones: with id and polygon"))
        }
        // Phones are carried at hand or pocket height, receivers mounted above them; a device
        // height above every receiver is a mistake of units or of which height is which.
        if let highest = sensors.map(\.position.z).max(), layout.deviceHeight > highest {
            issues.append(LayoutIssue(
                .warning, .store, field: "store.device_height",
                "devices are carried at \(SVGDocument.number(layout.deviceHeight)) m, above every sensor (the highest at \(SVGDocument.number(highest)) m); a phone is carried at about 1.2 m — check store.device_height and the sensors' heights"))
        }
        if sensors.count < 3 {
            issues.append(LayoutIssue(.warning, .store, field: "sensors", "\(sensors.count) sensor\(sensors.count == 1 ? "" : "s") cannot place a phone in two dimensions; add sensors until there are at least 3"))
        }
        return issues
    }

    /// A point inside the polygon: its centroid, or for a concave shape whose centroid falls
    /// outside, the inside grid point nearest to the centroid.
    static func representativePoint(_ polygon: Polygon) -> Point {
        let c = polygon.centroid
        if polygon.contains(c) { return c }
        let box = polygon.boundingBox
        var best = polygon.vertices.first ?? c, bestDistance = Double.infinity
        let step = max(box.max.x - box.min.x, box.max.y - box.min.y) / 40
        var y = box.min.y + step / 2
        while y < box.max.y {
            var x = box.min.x + step / 2
            while x < box.max.x {
                let p = Point(x: x, y: y)
                if polygon.contains(p), p.distance(to: c) < bestDistance { best = p; bestDistance = p.distance(to: c) }
                x += step
            }
            y += step
        }
        return best
    }

    /// Area shared by two simple polygons, estimated on a fine grid over the overlap of their
    /// bounding boxes (exact enough for warnings: 1/80 of the box per side).
    static func overlapArea(_ a: Polygon, _ b: Polygon) -> Double {
        let ba = a.boundingBox, bb = b.boundingBox
        let minX = max(ba.min.x, bb.min.x), maxX = min(ba.max.x, bb.max.x)
        let minY = max(ba.min.y, bb.min.y), maxY = min(ba.max.y, bb.max.y)
        guard maxX - minX > 1e-9, maxY - minY > 1e-9 else { return 0 }
        let steps = 80
        let dx = (maxX - minX) / Double(steps), dy = (maxY - minY) / Double(steps)
        var inside = 0
        for i in 0..<steps {
            for j in 0..<steps {
                let p = Point(x: minX + (Double(i) + 0.5) * dx, y: minY + (Double(j) + 0.5) * dy)
                // Strictly inside both: shared edges are not an overlap.
                if a.contains(p), b.contains(p), a.distanceToBoundary(p) > 1e-6, b.distanceToBoundary(p) > 1e-6 { inside += 1 }
            }
        }
        return Double(inside) * dx * dy
    }

    static func format(_ v: Double) -> String { String(format: "%.1f", v) }
}
