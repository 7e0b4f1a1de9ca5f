import FootfallCore
import Foundation

/// Draws a store's floor plan to scale: a metre grid, the outline, the zones (labelled), the
/// sensors (labelled), the entrances and a scale bar. Other plots draw over its floor.
public struct LayoutRenderer: Sendable {
    public let layout: StoreLayout
    public let frame: FloorFrame
    /// Zone fill colours, cycled.
    static let palette = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd"]

    public init(layout: StoreLayout, pixels: Double = 800) {
        self.layout = layout
        var box = layout.outline.boundingBox
        for s in layout.sensors {
            box.min.x = min(box.min.x, s.position.x); box.min.y = min(box.min.y, s.position.y)
            box.max.x = max(box.max.x, s.position.x); box.max.y = max(box.max.y, s.position.y)
        }
        let size = max(box.max.x - box.min.x, box.max.y - box.min.y)
        frame = FloorFrame(
            min: (box.min.x.rounded(.down), box.min.y.rounded(.down)), max: (box.max.x.rounded(.up), box.max.y.rounded(.up)),
            scale: FloorFrame.scale(forSize: size, pixels: pixels))
    }

    /// The plan alone, as a complete document.
    public func render(title: String? = nil) -> String {
        var svg = SVGDocument(width: frame.width, height: frame.height)
        drawFloor(&svg, title: title ?? "\(layout.name) — floor plan")
        drawZones(&svg, filled: true)
        drawSensors(&svg)
        drawEntrances(&svg)
        drawScaleBar(&svg)
        return svg.text
    }

    /// The title, the metre grid and the outline.
    public func drawFloor(_ svg: inout SVGDocument, title: String) {
        svg.rect(0, 0, frame.width, frame.height, [("fill", "white")])
        svg.text(frame.margin, frame.margin / 2, title, [("class", "title"), ("font-size", "14")])
        svg.open("g", [("class", "grid"), ("stroke", "#e6e6e6"), ("stroke-width", "1")])
        let minX = frame.origin.x, minY = frame.origin.y
        let maxX = minX + (frame.width - 2 * frame.margin) / frame.scale, maxY = frame.maxY
        // One line a metre; every fifth a little darker once the plan is large.
        let major = maxX - minX > 30 ? 5.0 : 1.0
        var x = minX
        while x <= maxX + 1e-9 {
            let strong = (x / major).rounded() * major == x && major > 1
            svg.line(frame.x(x), frame.y(minY), frame.x(x), frame.y(maxY), strong ? [("stroke", "#cccccc")] : [])
            x += 1
        }
        var y = minY
        while y <= maxY + 1e-9 {
            let strong = (y / major).rounded() * major == y && major > 1
            svg.line(frame.x(minX), frame.y(y), frame.x(maxX), frame.y(y), strong ? [("stroke", "#cccccc")] : [])
            y += 1
        }
        svg.close("g")
        svg.polygon(
            layout.outline.vertices.map { frame.point($0.x, $0.y) },
            [("class", "outline"), ("fill", "none"), ("stroke", "black"), ("stroke-width", "3")])
    }

    public func drawZones(_ svg: inout SVGDocument, filled: Bool) {
        for (index, zone) in layout.zones.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            svg.polygon(
                zone.polygon.vertices.map { frame.point($0.x, $0.y) },
                [("class", "zone"), ("id", "zone-\(zone.id)"), ("fill", filled ? colour : "none"), ("fill-opacity", "0.45"),
                 ("stroke", filled ? "#555555" : "#333333"), ("stroke-dasharray", filled ? "" : "6 3")])
            let c = LayoutValidator.representativePoint(zone.polygon)
            svg.text(frame.x(c.x), frame.y(c.y), zone.name, [("class", "zone-label"), ("text-anchor", "middle"), ("fill", "#222222")])
        }
    }

    public func drawSensors(_ svg: inout SVGDocument) {
        for sensor in layout.sensors {
            let (x, y) = frame.point(sensor.position.x, sensor.position.y)
            svg.circle(x, y, r: 6, [("class", "sensor"), ("id", "sensor-\(sensor.id.rawValue)"), ("fill", "#1f4e99"), ("stroke", "white"), ("stroke-width", "1.5")])
            svg.text(x + 8, y - 8, sensor.id.rawValue, [("class", "sensor-label"), ("fill", "#1f4e99"), ("font-weight", "bold")])
        }
    }

    public func drawEntrances(_ svg: inout SVGDocument) {
        for (index, entrance) in layout.entrances.enumerated() {
            let (x, y) = frame.point(entrance.x, entrance.y)
            svg.rect(x - 7, y - 7, 14, 14, [("class", "entrance"), ("fill", "#2ca02c"), ("stroke", "white")])
            svg.text(x + 10, y + 18, index == 0 ? "entrance" : "entrance \(index + 1)", [("class", "entrance-label"), ("fill", "#2ca02c")])
        }
    }

    /// A bar of a round number of metres near a fifth of the plan's width, bottom left.
    public func drawScaleBar(_ svg: inout SVGDocument) {
        let widthMetres = (frame.width - 2 * frame.margin) / frame.scale
        let candidates = [0.5, 1, 2, 5, 10, 20, 50, 100]
        let metres = candidates.last { $0 <= max(widthMetres / 5, 0.5) } ?? 1
        let x = frame.margin, y = frame.height - 20
        svg.open("g", [("class", "scale-bar")])
        svg.line(x, y, x + metres * frame.scale, y, [("stroke", "black"), ("stroke-width", "3")])
        svg.line(x, y - 5, x, y + 5, [("stroke", "black")])
        svg.line(x + metres * frame.scale, y - 5, x + metres * frame.scale, y + 5, [("stroke", "black")])
        svg.text(x + metres * frame.scale + 8, y + 4, "\(SVGDocument.number(metres)) m", [])
        svg.close("g")
    }
}
