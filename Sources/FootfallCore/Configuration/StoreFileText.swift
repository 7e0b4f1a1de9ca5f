/// A store layout written as a store file (`store.yaml`) that reads like one written by hand:
/// the skeleton of DESIGN.md, each section introduced by a comment. Commands that make a store
/// from a dataset write it with this, and read it back with `StoreConfiguration.load` to check.
public enum StoreFileText {
    /// - Parameters:
    ///   - header: comment lines (each starting `#`) placed above everything.
    ///   - zonesComment, sensorsComment: comment lines above those sections.
    public static func yaml(
        _ layout: StoreLayout, header: [String] = [], zonesComment: [String] = [], sensorsComment: [String] = []
    ) -> String {
        var lines = header
        lines.append("store:")
        lines.append("  id: \(quoted(layout.id))")
        if !layout.name.isEmpty { lines.append("  name: \(quoted(layout.name))") }
        lines.append("  outline: \(points(layout.outline.vertices))")
        if !layout.entrances.isEmpty { lines.append("  entrances: \(points(layout.entrances))") }
        lines.append("  device_height: \(number(layout.deviceHeight))")
        if !layout.zones.isEmpty {
            lines.append("")
            lines += zonesComment
            lines.append("zones:")
            for zone in layout.zones {
                lines.append("  - id: \(quoted(zone.id))")
                lines.append("    polygon: \(points(zone.polygon.vertices))")
            }
        }
        lines.append("")
        lines += sensorsComment
        lines.append("sensors:")
        for sensor in layout.sensors {
            lines.append("  - id: \(quoted(sensor.id.rawValue))")
            lines.append("    position: [\(number(sensor.position.x)), \(number(sensor.position.y)), \(number(sensor.position.z))]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Centimetres are enough for a floor plan.
    static func number(_ v: Double) -> String {
        let rounded = (v * 100).rounded() / 100
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }

    static func point(_ p: Point) -> String { "[\(number(p.x)), \(number(p.y))]" }

    static func points(_ points: [Point]) -> String { "[" + points.map(point).joined(separator: ", ") + "]" }

    /// Ids as YAML reads them back as text: quoted when they would read as a number, a boolean
    /// or hold YAML's own characters.
    static func quoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || " -_.()".contains($0) } && Double(text) == nil
            && text.first != " " && text.last != " " && text.first != "-"
            && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased()) && !text.isEmpty
        return plain ? text : "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
