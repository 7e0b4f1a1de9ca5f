import FootfallCore
import Foundation

/// What the API shows of the store right now: the devices placed (by pseudonym only), zone
/// occupancy, recent visits and counters, and the live stream of events and positions.
public actor LiveState {
    public struct Device: Codable, Sendable, Hashable {
        public var id: String
        public var x: Double
        public var y: Double
        public var uncertainty: Double
        public var zone: String?
        public var inside: Bool
        public var updatedAt: Double
        enum CodingKeys: String, CodingKey {
            case id, x, y, uncertainty, zone, inside
            case updatedAt = "updated_at"
        }
    }

    private var devices: [String: Device] = [:]
    private var occupancy: [String: Int] = [:]
    private var visitorsPresent = 0
    private var recentVisits: [PresenceEvent] = []
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    private(set) var observationsBySensor: [String: Int] = [:]
    /// Of those, the readings the pipeline left because they came too late (or far ahead) to
    /// place: a sensor whose clock is behind, a gateway catching up after an outage.
    private(set) var lateBySensor: [String: Int] = [:]
    private(set) var eventsByType: [String: Int] = [:]
    /// Visits that ended since the start and those under a minute (`ReplaySummary.shortVisitsLine`).
    public private(set) var visitLengths = VisitLengths()
    /// When the daemon started, by its clock (`Timing.now`).
    private(set) var startedAt: Double
    private(set) var lastInputAt: Double?
    /// What the locator has learnt of the radio, as of the last batch.
    public private(set) var learntRadio: LearntRadio?
    public private(set) var ready = false
    /// A problem the daemon cannot fix by itself (a full disk, a read-only database): shown by
    /// /healthz and `footfall status` until it clears.
    public private(set) var fault: String?
    static let recentVisitLimit = 200
    /// Devices not placed for this long disappear from the map.
    static let staleAfter = 30.0

    public init(startedAt: Double) {
        self.startedAt = startedAt
    }

    public func markReady() { ready = true }
    public func setFault(_ message: String?) { fault = message }

    func record(observations counts: [SensorID: Int], lastAt time: Double) {
        for (sensor, count) in counts { observationsBySensor[sensor.rawValue, default: 0] += count }
        lastInputAt = time
    }

    /// The pipeline's count since the start of readings left as late, by sensor.
    public func record(late counts: [SensorID: Int]) {
        lateBySensor = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    func update(
        positions: [(String, PositionEstimate)], occupancy: [String: Int], visitorsPresent: Int, now: Double,
        learntRadio: LearntRadio? = nil
    ) {
        if let learntRadio { self.learntRadio = learntRadio }
        for (id, estimate) in positions {
            // A zone is a part of the store: a device placed outside is in none, whatever zone
            // the locate stage last confirmed for it (a client counting by zone would count the
            // street).
            let device = Device(
                id: id, x: round3(estimate.position.x), y: round3(estimate.position.y), uncertainty: round3(estimate.uncertainty),
                zone: estimate.insideStore ? estimate.zone : nil, inside: estimate.insideStore, updatedAt: estimate.time)
            devices[id] = device
            broadcast(kind: "position", device)
        }
        devices = devices.filter { now - $0.value.updatedAt <= Self.staleAfter }
        self.occupancy = occupancy
        self.visitorsPresent = visitorsPresent
    }

    public func record(event: PresenceEvent) {
        eventsByType[event.type.rawValue, default: 0] += 1
        if event.type == .storeExited {
            visitLengths.add(event)
            recentVisits.append(event)
            if recentVisits.count > Self.recentVisitLimit { recentVisits.removeFirst(recentVisits.count - Self.recentVisitLimit) }
        }
        broadcast(kind: "event", event)
    }

    public func snapshotDevices() -> [Device] { devices.values.sorted { $0.id < $1.id } }
    public func snapshotVisits() -> [PresenceEvent] { recentVisits.reversed() }
    /// An erasure request: the recent visits carrying these pseudonyms are no longer shown.
    public func forget(anonymousIDs: Set<String>) {
        recentVisits.removeAll { $0.anonymousID.map(anonymousIDs.contains) == true }
    }
    /// Visitors per zone (the presence stage's: a visitor stepped outside is in no zone), visitors
    /// on a visit, and the devices placed now, all and those inside the store.
    public func snapshotOccupancy() -> (zones: [String: Int], visitors: Int, devices: Int, inside: Int) {
        (occupancy, visitorsPresent, devices.count, devices.values.filter(\.inside).count)
    }
    public func counters() -> (observations: [String: Int], late: [String: Int], events: [String: Int], startedAt: Double, lastInputAt: Double?) {
        (observationsBySensor, lateBySensor, eventsByType, startedAt, lastInputAt)
    }

    /// A stream of server-sent-event payloads (`event: …\ndata: …\n\n`) until the caller stops.
    public func subscribe() -> AsyncStream<String> { subscription().stream }

    /// A subscriber's stream and the means to end it from outside (the API's shutdown).
    public struct Subscription: Sendable {
        public let stream: AsyncStream<String>
        let continuation: AsyncStream<String>.Continuation
        /// Ends the stream: its reader sees its end after what is buffered.
        public func end() { continuation.finish() }
    }

    public func subscription() -> Subscription {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(2048))
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return Subscription(stream: stream, continuation: continuation)
    }

    private func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    public var subscriberCount: Int { subscribers.count }

    private func broadcast<T: Encodable>(kind: String, _ value: T) {
        guard !subscribers.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return }
        let message = "event: \(kind)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
        for continuation in subscribers.values { continuation.yield(message) }
    }

    private func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
