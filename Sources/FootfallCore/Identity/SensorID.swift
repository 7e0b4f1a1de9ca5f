/// A sensor (receiver) of the store: a gateway's adapter, a remote sensor, an access point.
public struct SensorID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
    public static func < (a: SensorID, b: SensorID) -> Bool { a.rawValue < b.rawValue }
}
