import ArgumentParser
import FootfallCore
import Foundation

/// Reads `footfall init`'s answers — typed as options or at its questions, the same text either
/// way — and refuses a bad one with a sentence naming the option and what to give instead.
enum InitAnswers {
    /// Store, gateway and sensor ids end up in events, traces and CSV files: plain words only.
    static func id(_ text: String, option: String, example: String) throws -> String {
        let id = text.trimmingCharacters(in: .whitespaces)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard let first = id.unicodeScalars.first, id.count <= 64,
              first.isASCII, CharacterSet.alphanumerics.contains(first),
              id.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) })
        else {
            throw ValidationError("\(option) '\(text)' is not an id: use up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit, e.g. \(example)")
        }
        return id
    }

    /// `40x25`: the floor's width along the street and its depth, metres.
    static func size(_ text: String) throws -> (width: Double, depth: Double) {
        let parts = text.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x")
        let numbers = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, numbers.count == 2, numbers.allSatisfy(\.isFinite) else {
            throw ValidationError("--size '\(text)' is not width x depth in metres, e.g. 40x25")
        }
        // The store file refuses coordinates over 2 km (centimetres by mistake).
        guard numbers.allSatisfy({ $0 > 0 && $0 <= 2000 }) else {
            throw ValidationError("--size '\(text)': width and depth must be more than 0 and at most 2000 metres, e.g. 40x25")
        }
        return (numbers[0], numbers[1])
    }

    /// `x,y` numbers in metres, or nil.
    static func numbers(_ text: String, count: Int) -> [Double]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == count, numbers.count == count, numbers.allSatisfy(\.isFinite) else { return nil }
        return numbers
    }

    /// A door: `x,y` on the outline (within a metre of its edge, as the store file requires).
    static func entrance(_ text: String, width: Double, depth: Double) throws -> Point {
        guard let numbers = numbers(text, count: 2) else {
            throw ValidationError("--entrance '\(text)' is not x,y in metres, e.g. \(example(width: width, depth: depth))")
        }
        let door = Point(x: numbers[0], y: numbers[1])
        let outline = Polygon(rectangleFrom: .zero, to: Point(x: width, y: depth))
        guard outline.distanceToBoundary(door) <= 1.0 else {
            throw ValidationError(
                "--entrance \(text) is not on the outline of the \(StoreDraft.number(width)) x \(StoreDraft.number(depth)) m floor; a door is a point of its edge, e.g. \(example(width: width, depth: depth)) on the street side")
        }
        return door
    }

    static func example(width: Double, depth: Double) -> String { "\(StoreDraft.number(width / 2)),0" }

    /// A sensor: `[id=]x,y,height`, inside the floor or within 5 m of it, 0–30 m up. Without an
    /// id it is the first of s1, s2, … not taken.
    static func sensor(_ text: String, width: Double, depth: Double, taken: [String]) throws -> StoreDraft.SensorPlacement {
        var id: String?
        var position = text
        if let equals = text.firstIndex(of: "=") {
            id = try Self.id(String(text[..<equals]), option: "--sensor", example: "s1=5,6,2.8")
            position = String(text[text.index(after: equals)...])
        }
        guard let numbers = numbers(position, count: 3) else {
            throw ValidationError("--sensor '\(text)' is not [id=]x,y,height in metres, e.g. s1=5,6,2.8")
        }
        let point = Point3(x: numbers[0], y: numbers[1], z: numbers[2])
        guard point.z > 0, point.z <= 30 else {
            throw ValidationError("--sensor \(text): height \(StoreDraft.number(point.z)) m must be above the floor and at most 30 m (ceiling sensors are usually at 2.5 to 4 m)")
        }
        let outline = Polygon(rectangleFrom: .zero, to: Point(x: width, y: depth))
        let outside = outline.contains(point.floor) ? 0 : outline.distanceToBoundary(point.floor)
        guard outside <= 5 else {
            throw ValidationError(
                "--sensor \(text) is \(Int(outside.rounded())) m outside the \(StoreDraft.number(width)) x \(StoreDraft.number(depth)) m floor; a sensor must be inside it or within 5 m of it")
        }
        if let id, taken.contains(id) {
            throw ValidationError("--sensor \(text): '\(id)' is another sensor's id already; give each sensor its own")
        }
        let free = id ?? (1...).lazy.map { "s\($0)" }.first { !taken.contains($0) }!
        return StoreDraft.SensorPlacement(id: free, position: point)
    }

    /// `host:port`, as `api.listen` takes it.
    static func listen(_ text: String) throws -> String {
        var api = StoreConfiguration.APISettings()
        api.listen = text
        guard api.hostAndPort != nil else {
            throw ValidationError("--listen '\(text)' is not host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080")
        }
        return text
    }
}
