import FootfallCore

struct StatusDocument: Codable {
    var store: String
    var gateway: String
    var ready: Bool
    var fault: String?
    var startedAt: Double
    var lastInputAt: Double?
    var observationsBySensor: [String: Int]
    var eventsByType: [String: Int]
    var devicesTracked: Int
    var visitorsPresent: Int
    var droppedInputs: Int
    var components: [String: String]

    enum CodingKeys: String, CodingKey {
        case store, gateway, ready, fault, components
        case startedAt = "started_at"
        case lastInputAt = "last_input_at"
        case observationsBySensor = "observations_by_sensor"
        case eventsByType = "events_by_type"
        case devicesTracked = "devices_tracked"
        case visitorsPresent = "visitors_present"
        case droppedInputs = "dropped_inputs"
    }
}
