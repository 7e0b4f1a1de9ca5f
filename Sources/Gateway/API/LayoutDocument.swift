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

    init(_ configuration: StoreConfiguration) {
        let layout = configuration.layout
        id = layout.id
        name = layout.name
        outline = layout.outline.vertices.map { [$0.x, $0.y] }
        entrances = layout.entrances.map { [$0.x, $0.y] }
        zones = layout.zones.map { ZoneDocument(id: $0.id, name: $0.name, polygon: $0.polygon.vertices.map { [$0.x, $0.y] }, dwellAfter: $0.dwellAfter) }
        sensors = layout.sensors.map { SensorDocument(id: $0.id.rawValue, position: [$0.position.x, $0.position.y, $0.position.z]) }
    }
}
