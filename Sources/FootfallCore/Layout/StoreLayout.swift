/// The floor plan: the outline, the zones and the sensors, in metres in the store's own frame.
public struct StoreLayout: Hashable, Sendable {
    public var id: String
    public var name: String
    public var outline: Polygon
    public var zones: [Zone]
    public var sensors: [Sensor]
    /// Where shoppers come in, on the outline; the simulator walks them through it.
    public var entrances: [Point]
    /// Height above the floor at which phones are carried, metres.
    public var deviceHeight: Double

    public init(
        id: String, name: String? = nil, outline: Polygon, zones: [Zone] = [], sensors: [Sensor] = [],
        entrances: [Point] = [], deviceHeight: Double = 1.2
    ) {
        self.id = id
        self.name = name ?? id
        self.outline = outline
        self.zones = zones
        self.sensors = sensors
        self.entrances = entrances
        self.deviceHeight = deviceHeight
    }

    public func sensor(_ id: SensorID) -> Sensor? { sensors.first { $0.id == id } }
    public func zone(_ id: String) -> Zone? { zones.first { $0.id == id } }

    /// The first zone (in configuration order) containing `p`; zones listed first win overlaps.
    public func zone(containing p: Point) -> Zone? { zones.first { $0.polygon.contains(p) } }
}
