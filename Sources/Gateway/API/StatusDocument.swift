import FootfallCore
import Positioning

/// What the locator has learnt of the store's radio so far (`sensor_gain_learning`,
/// `path_loss_exponent_spread`), in the shape `footfall replay --json` gives it.
public struct LearntRadio: Codable, Sendable, Hashable {
    public struct Gain: Codable, Sendable, Hashable {
        public var sensor: String
        public var gainDB: Double
        public var devices: Double
        enum CodingKeys: String, CodingKey {
            case sensor, devices
            case gainDB = "gain_db"
        }
    }
    public struct Exponent: Codable, Sendable, Hashable {
        public var deviation: Double
        public var devices: Double
    }
    public var sensorGains: [Gain]
    public var pathLossExponent: Exponent?
    enum CodingKeys: String, CodingKey {
        case sensorGains = "sensor_gains"
        case pathLossExponent = "path_loss_exponent_deviation"
    }

    public init(gains: [SensorGain], exponent: LearntExponent?) {
        sensorGains = gains.map {
            Gain(sensor: $0.sensor.rawValue, gainDB: ($0.decibels * 100).rounded() / 100, devices: ($0.devices * 10).rounded() / 10)
        }
        pathLossExponent = exponent.map {
            Exponent(deviation: ($0.deviation * 1000).rounded() / 1000, devices: ($0.devices * 10).rounded() / 10)
        }
    }

    /// The gains as `SensorGain`s and the exponent as a `LearntExponent`, for printing.
    public var gains: [SensorGain] {
        sensorGains.map { SensorGain(sensor: SensorID($0.sensor), decibels: $0.gainDB, devices: $0.devices) }
    }
    public var exponent: LearntExponent? { pathLossExponent.map { LearntExponent(deviation: $0.deviation, devices: $0.devices) } }
}

struct StatusDocument: Codable {
    var store: String
    var gateway: String
    var ready: Bool
    var fault: String?
    var startedAt: Double
    var lastInputAt: Double?
    var observationsBySensor: [String: Int]
    /// Of those, the readings left as late (or far ahead), by sensor; only sensors with some.
    var observationsLateBySensor: [String: Int]
    var eventsByType: [String: Int]
    var visitsEnded: Int
    var visitsUnderAMinute: Int
    var devicesTracked: Int
    var visitorsPresent: Int
    var droppedInputs: Int
    var components: [String: String]
    /// The points of the survey the radio map is made of; 0 without one.
    var surveyPoints: Int
    var sensorGains: [LearntRadio.Gain]
    var pathLossExponent: LearntRadio.Exponent?

    enum CodingKeys: String, CodingKey {
        case store, gateway, ready, fault, components
        case startedAt = "started_at"
        case lastInputAt = "last_input_at"
        case observationsBySensor = "observations_by_sensor"
        case observationsLateBySensor = "observations_late_by_sensor"
        case eventsByType = "events_by_type"
        case visitsEnded = "visits_ended"
        case visitsUnderAMinute = "visits_under_a_minute"
        case devicesTracked = "devices_tracked"
        case visitorsPresent = "visitors_present"
        case droppedInputs = "dropped_inputs"
        case surveyPoints = "survey_points"
        case sensorGains = "sensor_gains"
        case pathLossExponent = "path_loss_exponent_deviation"
    }
}
