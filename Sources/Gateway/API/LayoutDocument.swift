import FootfallCore

/// The store layout as the API and the live map read it.
struct LayoutDocument: Encodable {
    struct ZoneDocument: Encodable {
        var id: String
        var name: String
        var polygon: [[Double]]
        var dwellAfter: Double
        enum CodingKeys: String, CodingKey {
            case id, name, polygon
            case dwellAfter = "dwell_after"
        }
    }
    struct SensorDocument: Encodable {
        var id: String
        var position: [Double]
    }
    var id: String
    var name: String
    var outline: [[Double]]
    var entrances: [[Double]]
    var zones: [ZoneDocument]
    var sensors: [SensorDocument]
    /// The locating gateway's address, on a sensor gateway (`upstream.url`), which places no
    /// device: the map says to open that gateway's instead. Absent on a locating gateway.
    var locatedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, name, outline, entrances, zones, sensors
        case locatedBy = "located_by"
    }

    init(_ configuration: StoreConfiguration) {
        let layout = configuration.layout
        id = layout.id
        name = layout.name
        outline = layout.outline.vertices.map { [$0.x, $0.y] }
        entrances = layout.entrances.map { [$0.x, $0.y] }
        zones = layout.zones.map { ZoneDocument(id: $0.id, name: $0.name, polygon: $0.polygon.vertices.map { [$0.x, $0.y] }, dwellAfter: $0.dwellAfter) }
        sensors = layout.sensors.map { SensorDocument(id: $0.id.rawValue, position: [$0.position.x, $0.position.y, $0.position.z]) }
        locatedBy = configuration.upstream.map { URLRedaction.shown($0.url) }
    }
}
