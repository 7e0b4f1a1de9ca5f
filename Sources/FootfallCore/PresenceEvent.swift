import Foundation

/// A visit event as delivered to the profile store; every field is documented in docs/events.md.
public struct PresenceEvent: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case storeEntered = "store.entered"
        case zoneEntered = "zone.entered"
        case zoneDwell = "zone.dwell"
        case zoneExited = "zone.exited"
        case storeExited = "store.exited"
        case storeTraffic = "store.traffic"
    }

    /// Time spent in one zone during a visit.
    public struct ZoneDwell: Hashable, Sendable, Codable {
        public var zone: String
        public var dwellSeconds: Double
        public init(zone: String, dwellSeconds: Double) {
            self.zone = zone
            self.dwellSeconds = dwellSeconds
        }
        enum CodingKeys: String, CodingKey {
            case zone
            case dwellSeconds = "dwell_seconds"
        }
    }

    /// Counts over an interval, for devices that may not be identified.
    public struct Traffic: Hashable, Sendable, Codable {
        public var intervalStart: Double
        public var intervalSeconds: Double
        public var passersBy: Int
        public var visitors: Int
        public var engagedVisitors: Int
        /// Completed visits by duration: under 2 min, 2–5, 5–15, 15–30, 30–60, over 60.
        public var dwellHistogram: [Int]
        public init(intervalStart: Double, intervalSeconds: Double, passersBy: Int, visitors: Int, engagedVisitors: Int, dwellHistogram: [Int]) {
            self.intervalStart = intervalStart
            self.intervalSeconds = intervalSeconds
            self.passersBy = passersBy
            self.visitors = visitors
            self.engagedVisitors = engagedVisitors
            self.dwellHistogram = dwellHistogram
        }
        enum CodingKeys: String, CodingKey {
            case intervalStart = "interval_start"
            case intervalSeconds = "interval_seconds"
            case passersBy = "passers_by"
            case visitors
            case engagedVisitors = "engaged_visitors"
            case dwellHistogram = "dwell_histogram"
        }
    }

    public var id: String
    public var type: Kind
    /// Seconds since the Unix epoch (or since a relative trace's start).
    public var occurredAt: Double
    public var storeID: String
    public var gatewayID: String
    public var customerID: String?
    public var anonymousID: String?
    public var visitID: String?
    public var zone: String?
    public var dwellSeconds: Double?
    public var visitDurationSeconds: Double?
    public var visitNumber: Int?
    public var daysSinceLastVisit: Double?
    public var visitsLast7Days: Int?
    public var visitsLast30Days: Int?
    public var averageVisitDurationSeconds: Double?
    public var loyaltyClass: String?
    public var zonesVisited: [ZoneDwell]?
    public var traffic: Traffic?

    public init(id: String, type: Kind, occurredAt: Double, storeID: String, gatewayID: String) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.storeID = storeID
        self.gatewayID = gatewayID
    }

    enum CodingKeys: String, CodingKey {
        case id, type
        case occurredAt = "occurred_at"
        case storeID = "store_id"
        case gatewayID = "gateway_id"
        case customerID = "customer_id"
        case anonymousID = "anonymous_id"
        case visitID = "visit_id"
        case zone
        case dwellSeconds = "dwell_seconds"
        case visitDurationSeconds = "visit_duration_seconds"
        case visitNumber = "visit_number"
        case daysSinceLastVisit = "days_since_last_visit"
        case visitsLast7Days = "visits_last_7_days"
        case visitsLast30Days = "visits_last_30_days"
        case averageVisitDurationSeconds = "average_visit_duration_seconds"
        case loyaltyClass = "loyalty_class"
        case zonesVisited = "zones_visited"
        case traffic
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(RFC3339.string(occurredAt), forKey: .occurredAt)
        try c.encode(storeID, forKey: .storeID)
        try c.encode(gatewayID, forKey: .gatewayID)
        try c.encodeIfPresent(customerID, forKey: .customerID)
        try c.encodeIfPresent(anonymousID, forKey: .anonymousID)
        try c.encodeIfPresent(visitID, forKey: .visitID)
        try c.encodeIfPresent(zone, forKey: .zone)
        try c.encodeIfPresent(dwellSeconds.map(RFC3339.milliseconds), forKey: .dwellSeconds)
        try c.encodeIfPresent(visitDurationSeconds.map(RFC3339.milliseconds), forKey: .visitDurationSeconds)
        try c.encodeIfPresent(visitNumber, forKey: .visitNumber)
        try c.encodeIfPresent(daysSinceLastVisit.map(RFC3339.milliseconds), forKey: .daysSinceLastVisit)
        try c.encodeIfPresent(visitsLast7Days, forKey: .visitsLast7Days)
        try c.encodeIfPresent(visitsLast30Days, forKey: .visitsLast30Days)
        try c.encodeIfPresent(averageVisitDurationSeconds, forKey: .averageVisitDurationSeconds)
        try c.encodeIfPresent(loyaltyClass, forKey: .loyaltyClass)
        try c.encodeIfPresent(zonesVisited, forKey: .zonesVisited)
        try c.encodeIfPresent(traffic, forKey: .traffic)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decode(Kind.self, forKey: .type)
        let stamp = try c.decode(String.self, forKey: .occurredAt)
        guard let time = RFC3339.parse(stamp) else {
            throw DecodingError.dataCorruptedError(forKey: .occurredAt, in: c, debugDescription: "'\(stamp)' is not an RFC 3339 time")
        }
        occurredAt = time
        storeID = try c.decode(String.self, forKey: .storeID)
        gatewayID = try c.decode(String.self, forKey: .gatewayID)
        customerID = try c.decodeIfPresent(String.self, forKey: .customerID)
        anonymousID = try c.decodeIfPresent(String.self, forKey: .anonymousID)
        visitID = try c.decodeIfPresent(String.self, forKey: .visitID)
        zone = try c.decodeIfPresent(String.self, forKey: .zone)
        dwellSeconds = try c.decodeIfPresent(Double.self, forKey: .dwellSeconds)
        visitDurationSeconds = try c.decodeIfPresent(Double.self, forKey: .visitDurationSeconds)
        visitNumber = try c.decodeIfPresent(Int.self, forKey: .visitNumber)
        daysSinceLastVisit = try c.decodeIfPresent(Double.self, forKey: .daysSinceLastVisit)
        visitsLast7Days = try c.decodeIfPresent(Int.self, forKey: .visitsLast7Days)
        visitsLast30Days = try c.decodeIfPresent(Int.self, forKey: .visitsLast30Days)
        averageVisitDurationSeconds = try c.decodeIfPresent(Double.self, forKey: .averageVisitDurationSeconds)
        loyaltyClass = try c.decodeIfPresent(String.self, forKey: .loyaltyClass)
        zonesVisited = try c.decodeIfPresent([ZoneDwell].self, forKey: .zonesVisited)
        traffic = try c.decodeIfPresent(Traffic.self, forKey: .traffic)
    }

    /// One JSON object on one line, keys sorted, so equal events give equal bytes.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
