import Foundation

/// A hand-written SVG document: elements appended as text, attributes escaped, no dependency.
/// Coordinates given to it are already in pixels; `FloorFrame` maps store metres to pixels.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Escapes text for XML content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let rounded = (v * 100).rounded() / 100
        // Beyond what an Int holds (no drawing's coordinate, but an input's typo may reach here).
        guard rounded.isFinite, abs(rounded) < 1e15 else { return String(v) }
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    public mutating func raw(_ text: String) { body.append(text) }

    public mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        body.append("<\(name)\(Self.attributes(attributes))>")
    }

    public mutating func close(_ name: String) { body.append("</\(name)>") }

    public mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        if let text {
            body.append("<\(name)\(Self.attributes(attributes))>\(Self.escape(text))</\(name)>")
        } else {
            body.append("<\(name)\(Self.attributes(attributes))/>")
        }
    }

    public mutating func polygon(_ points: [(Double, Double)], _ attributes: [(String, String)]) {
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        element("polygon", [("points", list)] + attributes)
    }

    public mutating func polyline(_ points: [(Double, Double)], _ attributes: [(String, String)]) {
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        element("polyline", [("points", list)] + attributes)
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: [(String, String)]) {
        element(
            "line",
            [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2))] + attributes)
    }

    public mutating func circle(_ cx: Double, _ cy: Double, r: Double, _ attributes: [(String, String)]) {
        element("circle", [("cx", Self.number(cx)), ("cy", Self.number(cy)), ("r", Self.number(r))] + attributes)
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ attributes: [(String, String)]) {
        element(
            "rect", [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(w)), ("height", Self.number(h))] + attributes)
    }

    public mutating func text(_ x: Double, _ y: Double, _ content: String, _ attributes: [(String, String)] = []) {
        element("text", [("x", Self.number(x)), ("y", Self.number(y))] + attributes, text: content)
    }

    /// The whole document, one element a line.
    public var text: String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"sans-serif\" font-size=\"12\">",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
