import FootfallCore

/// Turns position estimates and clock ticks into visit events. A value type: each call returns
/// the events it decided on and changes nothing else, so the same input gives the same events.
public struct VisitTracker: Sendable {
    public let storeID: String
    public let gatewayID: String
    public let layout: StoreLayout
    public let settings: StoreConfiguration.PresenceSettings
    private let pseudonymizer: Pseudonymizer
    private var devices: [DeviceID: DeviceState] = [:]
    private var traffic: TrafficCounter

    /// Estimates outside the store this briefly do not reset a device's entry countdown.
    static let outsideTolerance = 5.0

    struct DeviceState: Sendable {
        var candidateSince: Double?
        var lastInside: Double = -.infinity
        var lastHeard: Double = -.infinity
        var visitStart: Double?
        var zone: String?
        var zoneSince: Double = 0
        var dwellFired = false
        var zonesVisited: [String: Double] = [:]
        var zoneOrder: [String] = []
        var presentSeconds = 0.0
        var presenceDay = 0
        var isStaff = false
        var wasVisitor = false
    }

    public init(
        storeID: String, gatewayID: String, layout: StoreLayout, settings: StoreConfiguration.PresenceSettings,
        pseudonymizer: Pseudonymizer
    ) {
        self.storeID = storeID
        self.gatewayID = gatewayID
        self.layout = layout
        self.settings = settings
        self.pseudonymizer = pseudonymizer
        traffic = TrafficCounter(interval: settings.trafficInterval)
    }

    /// Devices currently tracked, visitors or not.
    public var trackedDevices: Int { devices.count }
    /// Devices currently on a visit.
    public var visitorsPresent: Int { devices.values.filter { $0.visitStart != nil }.count }

    public mutating func update(_ estimate: PositionEstimate) -> [PresenceEvent] {
        var events: [PresenceEvent] = []
        let t = estimate.time
        var state = devices[estimate.device] ?? DeviceState()
        state.lastHeard = max(state.lastHeard, t)
        if estimate.insideStore {
            // Staff and fixtures: present too long in one day.
            let day = Int((t / 86_400).rounded(.down))
            if day != state.presenceDay { state.presenceDay = day; state.presentSeconds = 0 }
            if t - state.lastInside <= Self.outsideTolerance { state.presentSeconds += max(0, t - state.lastInside) }
            if state.presentSeconds > settings.maxPresence { state.isStaff = true }

            if state.visitStart == nil {
                if state.candidateSince == nil || t - state.lastInside > Self.outsideTolerance { state.candidateSince = t }
                if let since = state.candidateSince, t - since >= settings.enterAfter {
                    state.visitStart = since
                    state.wasVisitor = true
                    state.zonesVisited = [:]
                    state.zoneOrder = []
                    events.append(event(.storeEntered, estimate.device, at: since, state))
                }
            }
            state.lastInside = t
        }
        if state.visitStart != nil {
            let zone = estimate.insideStore ? estimate.zone : nil
            if zone != state.zone {
                if state.zone != nil { events.append(closeZone(&state, device: estimate.device, at: t)) }
                if let zone {
                    state.zone = zone
                    state.zoneSince = t
                    state.dwellFired = false
                    events.append(event(.zoneEntered, estimate.device, at: t, state))
                }
            }
            if let dwell = dwellEvent(&state, device: estimate.device, at: t) { events.append(dwell) }
        }
        devices[estimate.device] = state
        return state.isStaff ? [] : events
    }

    /// Advances the clock: ends visits whose device has been gone for `exitAfter`, forgets
    /// passers-by, and emits a `store.traffic` aggregate at each interval boundary. Each event
    /// comes with the device it concerns (nil for aggregates), for scoring; it is never sent.
    public mutating func tick(_ time: Double) -> [(event: PresenceEvent, device: DeviceID?)] {
        var events: [(event: PresenceEvent, device: DeviceID?)] = []
        events += traffic.flush(upTo: time, storeID: storeID, gatewayID: gatewayID).map { ($0, nil) }
        for device in devices.keys.sorted() {
            guard var state = devices[device] else { continue }
            if state.visitStart != nil {
                if let dwell = dwellEvent(&state, device: device, at: time), !state.isStaff { events.append((dwell, device)) }
                if time - state.lastInside >= settings.exitAfter {
                    var closing: [PresenceEvent] = []
                    if state.zone != nil { closing.append(closeZone(&state, device: device, at: state.lastInside)) }
                    let start = state.visitStart!
                    var exited = event(.storeExited, device, at: state.lastInside, state)
                    let duration = state.lastInside - start
                    exited.visitDurationSeconds = RFC3339.milliseconds(duration)
                    exited.zonesVisited = state.zoneOrder.map { PresenceEvent.ZoneDwell(zone: $0, dwellSeconds: RFC3339.milliseconds(state.zonesVisited[$0] ?? 0)) }
                    closing.append(exited)
                    if !state.isStaff {
                        events += closing.map { ($0, device) }
                        traffic.countVisit(duration: duration, engaged: duration >= settings.engagedAfter, at: state.lastInside)
                    }
                    state.visitStart = nil
                    state.candidateSince = nil
                    state.wasVisitor = false
                    devices[device] = nil
                    continue
                }
                devices[device] = state
            } else if time - state.lastHeard >= settings.exitAfter {
                if !state.isStaff, state.lastInside == -.infinity { traffic.countPasserBy(at: state.lastHeard) }
                devices[device] = nil
            }
        }
        return events
    }

    private func dwellEvent(_ state: inout DeviceState, device: DeviceID, at t: Double) -> PresenceEvent? {
        guard let zone = state.zone, !state.dwellFired, let threshold = layout.zone(zone)?.dwellAfter,
              t - state.zoneSince >= threshold else { return nil }
        state.dwellFired = true
        var dwell = event(.zoneDwell, device, at: state.zoneSince + threshold, state)
        dwell.dwellSeconds = RFC3339.milliseconds(threshold)
        return dwell
    }

    private func closeZone(_ state: inout DeviceState, device: DeviceID, at t: Double) -> PresenceEvent {
        let zone = state.zone!
        let dwell = max(0, t - state.zoneSince)
        var exited = event(.zoneExited, device, at: t, state)
        exited.dwellSeconds = RFC3339.milliseconds(dwell)
        if state.zonesVisited[zone] == nil { state.zoneOrder.append(zone) }
        state.zonesVisited[zone, default: 0] += dwell
        state.zone = nil
        return exited
    }

    private func event(_ type: PresenceEvent.Kind, _ device: DeviceID, at time: Double, _ state: DeviceState) -> PresenceEvent {
        let anonymous = pseudonymizer.anonymousID(for: device, at: state.visitStart ?? time)
        let visitStart = RFC3339.string(state.visitStart ?? time)
        var event = PresenceEvent(
            id: DeterministicID.make([storeID, anonymous, visitStart, type.rawValue, state.zone ?? "", RFC3339.string(time)]),
            type: type, occurredAt: time, storeID: storeID, gatewayID: gatewayID)
        event.anonymousID = anonymous
        event.visitID = DeterministicID.make([storeID, anonymous, visitStart])
        if type != .storeEntered && type != .storeExited { event.zone = state.zone }
        return event
    }
}
