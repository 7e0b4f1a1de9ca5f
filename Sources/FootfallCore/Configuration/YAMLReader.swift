import Yams

/// Reads typed values out of a composed YAML tree, turning every mismatch into a
/// `ConfigurationError` that names the file, the line and the field.
struct YAMLReader {
    let file: String

    func error(_ node: Node?, _ field: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node?.mark?.line, column: node?.mark?.column, field: field, message: message)
    }

    /// The mapping's entries in order, rejecting keys not in `known` so a typo is not silently ignored.
    func mapping(_ node: Node, _ field: String, known: [String]) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(node, field, "expected a mapping of `key: value` lines, found \(describe(node))")
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, field, "keys must be plain words") }
            let path = field.isEmpty ? name : "\(field).\(name)"
            guard known.contains(name) else {
                throw error(key, path, "unknown field; expected one of \(known.joined(separator: ", "))")
            }
            guard result[name] == nil else { throw error(key, path, "appears twice; keep one") }
            result[name] = value
        }
        return result
    }

    func sequence(_ node: Node, _ field: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw error(node, field, "expected a list, found \(describe(node))")
        }
        return Array(sequence)
    }

    func string(_ node: Node, _ field: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error(node, field, "expected a text value, found \(describe(node))")
        }
        return scalar.string
    }

    func double(_ node: Node, _ field: String) throws -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            throw error(node, field, "expected a number, found \(describe(node))")
        }
        return value
    }

    func bool(_ node: Node, _ field: String) throws -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error(node, field, "expected true or false, found \(describe(node))")
        }
        return value
    }

    func positive(_ node: Node, _ field: String, unit: String = "seconds", atMost maximum: Double? = nil) throws -> Double {
        let value = try double(node, field)
        guard value > 0 else { throw error(node, field, "must be a positive number of \(unit), found \(value)") }
        try check(value, atMost: maximum, node, field, unit)
        return value
    }

    func nonNegative(_ node: Node, _ field: String, unit: String = "seconds", atMost maximum: Double? = nil) throws -> Double {
        let value = try double(node, field)
        guard value >= 0 else { throw error(node, field, "must be zero or more \(unit), found \(value)") }
        try check(value, atMost: maximum, node, field, unit)
        return value
    }

    /// A duration or count past what the setting can mean (a visit of more than a day) is a
    /// mistake of units, and the pipeline's clock cannot run on past it.
    private func check(_ value: Double, atMost maximum: Double?, _ node: Node, _ field: String, _ unit: String) throws {
        guard let maximum, value > maximum else { return }
        throw error(node, field, "must be at most \(DelimitedField.number(maximum)) \(unit), found \(value)")
    }

    /// The farthest a store's coordinate may lie from its origin (m): no floor is 100 km across,
    /// and a value beyond (a typo, 1e20) is no place.
    static let farthestCoordinate = 100_000.0

    /// One coordinate of a point, in metres.
    func coordinate(_ node: Node, _ field: String) throws -> Double {
        let value = try double(node, field)
        guard abs(value) <= Self.farthestCoordinate else {
            throw error(node, field, "must be within \(DelimitedField.number(Self.farthestCoordinate)) m of the store's origin, found \(value); give metres")
        }
        return value
    }

    /// `[x, y]` in metres.
    func point(_ node: Node, _ field: String) throws -> Point {
        let items = try sequence(node, field)
        guard items.count == 2 else {
            throw error(node, field, "a point is [x, y] in metres; found \(items.count) numbers")
        }
        return Point(x: try coordinate(items[0], "\(field)[0]"), y: try coordinate(items[1], "\(field)[1]"))
    }

    /// `[x, y, z]` in metres.
    func point3(_ node: Node, _ field: String) throws -> Point3 {
        let items = try sequence(node, field)
        guard items.count == 3 else {
            throw error(node, field, "a position is [x, y, height] in metres; found \(items.count) numbers")
        }
        return Point3(
            x: try coordinate(items[0], "\(field)[0]"), y: try coordinate(items[1], "\(field)[1]"),
            z: try coordinate(items[2], "\(field)[2]"))
    }

    /// A polygon as a list of `[x, y]` corners, checked to be simple and in metres.
    func polygon(_ node: Node, _ field: String) throws -> Polygon {
        let items = try sequence(node, field)
        let points = try items.enumerated().map { try point($0.element, "\(field)[\($0.offset)]") }
        let polygon = Polygon(points)
        guard polygon.vertices.count >= 3 else {
            throw error(node, field, "a polygon needs at least 3 distinct corners, found \(polygon.vertices.count)")
        }
        for (index, p) in points.enumerated() where abs(p.x) > 2000 || abs(p.y) > 2000 {
            throw error(items[index], "\(field)[\(index)]", "\(p) is over 2 km from the origin; coordinates are metres (was this centimetres?)")
        }
        if let (i, j) = polygon.firstSelfIntersection() {
            throw error(node, field, "crosses itself (edge \(i + 1) meets edge \(j + 1)); list the corners in order around the shape")
        }
        guard polygon.area > 1e-6 else {
            throw error(node, field, "has no area: its corners lie on one line; list the corners around the shape")
        }
        return polygon
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "nothing" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
