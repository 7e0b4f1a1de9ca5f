/// A sector of the store (produce, checkout, …) with its own timing.
public struct Zone: Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var polygon: Polygon
    /// A stay becomes a dwell (`zone.dwell`, the activation moment) after this many seconds.
    public var dwellAfter: Double
    /// Seconds a device must be inside before it counts as in the zone (hysteresis).
    public var enterAfter: Double
    /// Seconds a device must be outside before it counts as having left (hysteresis).
    public var exitAfter: Double

    public static let defaultDwellAfter = 60.0
    public static let defaultEnterAfter = 0.0
    public static let defaultExitAfter = 0.0

    public init(
        id: String, name: String? = nil, polygon: Polygon,
        dwellAfter: Double = Zone.defaultDwellAfter,
        enterAfter: Double = Zone.defaultEnterAfter,
        exitAfter: Double = Zone.defaultExitAfter
    ) {
        self.id = id
        self.name = name ?? id
        self.polygon = polygon
        self.dwellAfter = dwellAfter
        self.enterAfter = enterAfter
        self.exitAfter = exitAfter
    }
}
