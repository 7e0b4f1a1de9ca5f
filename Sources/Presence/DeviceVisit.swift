import FootfallCore

/// The visit state machine of one device: position estimates and clock ticks in, transitions
/// out. A value type that decides and does nothing else; `VisitTracker` turns its transitions
/// into events.
public struct DeviceVisit: Sendable, Hashable {
    public enum Transition: Hashable, Sendable {
        case entered(at: Double)
        case zoneEntered(String, at: Double)
        case zoneDwell(String, at: Double, threshold: Double)
        case zoneExited(String, at: Double, dwell: Double)
        case exited(start: Double, end: Double, zones: [PresenceEvent.ZoneDwell])
        /// Never inside long enough to be a visitor, and now gone.
        case passedBy(lastHeard: Double)
        /// Found to be staff or a fixture: its visit ends without shopper events.
        case becameStaff
    }

    /// Estimates outside the store this briefly do not reset the entry countdown.
    public static let outsideTolerance = 5.0

    public private(set) var visitStart: Double?
    public private(set) var zone: String?
    public private(set) var isStaff = false
    private(set) var candidateSince: Double?
    private(set) var lastInside = -Double.infinity
    private(set) var lastHeard = -Double.infinity
    private var zoneSince = 0.0
    /// The last time the device was placed in its current zone.
    private var lastInZone = 0.0
    private var dwellFired = false
    private var zonesVisited: [String: Double] = [:]
    private var zoneOrder: [String] = []
    private var presentSeconds = 0.0
    private var presenceDay = Int.min
    private var everVisited = false

    public init() {}

    public var isVisiting: Bool { visitStart != nil }

    public mutating func observe(
        _ estimate: PositionEstimate, layout: StoreLayout, settings: StoreConfiguration.PresenceSettings
    ) -> [Transition] {
        let t = estimate.time
        // Estimates arrive in time order from the locate stage; an older one is stale.
        guard t >= lastHeard else { return [] }
        var transitions: [Transition] = []
        lastHeard = t
        if estimate.insideStore {
            let day = Int((t / 86_400).rounded(.down))
            if day != presenceDay {
                presenceDay = day
                presentSeconds = 0
            }
            if t - lastInside <= Self.outsideTolerance { presentSeconds += t - lastInside }
            if !isStaff, presentSeconds > settings.maxPresence {
                isStaff = true
                transitions.append(.becameStaff)
            }
            if visitStart == nil {
                if candidateSince == nil || t - lastInside > Self.outsideTolerance { candidateSince = t }
                if let since = candidateSince, t - since >= settings.enterAfter {
                    visitStart = since
                    everVisited = true
                    zonesVisited = [:]
                    zoneOrder = []
                    transitions.append(.entered(at: since))
                }
            }
            lastInside = t
        }
        guard visitStart != nil else { return transitions }
        let observedZone = estimate.insideStore ? estimate.zone : nil
        if observedZone != nil, observedZone == zone { lastInZone = t }
        if observedZone != zone {
            if let closed = closeZone(at: t) { transitions.append(closed) }
            if let observedZone {
                zone = observedZone
                zoneSince = t
                lastInZone = t
                dwellFired = false
                transitions.append(.zoneEntered(observedZone, at: t))
            }
        }
        if let dwell = dwellTransition(at: t, layout: layout) { transitions.append(dwell) }
        return transitions
    }

    /// The passage of time: a dwell threshold passed, a visit over, a passer-by gone.
    /// `isFinished` afterwards means the device can be forgotten.
    public mutating func tick(_ time: Double, layout: StoreLayout, settings: StoreConfiguration.PresenceSettings) -> [Transition] {
        var transitions: [Transition] = []
        if let start = visitStart {
            if let dwell = dwellTransition(at: time, layout: layout) { transitions.append(dwell) }
            guard time - lastInside >= settings.exitAfter else { return transitions }
            if let closed = closeZone(at: lastInside) { transitions.append(closed) }
            let zones = zoneOrder.map { PresenceEvent.ZoneDwell(zone: $0, dwellSeconds: RFC3339.milliseconds(zonesVisited[$0] ?? 0)) }
            transitions.append(.exited(start: start, end: lastInside, zones: zones))
            visitStart = nil
            candidateSince = nil
            isFinished = true
        } else if time - lastHeard >= settings.exitAfter {
            if !everVisited { transitions.append(.passedBy(lastHeard: lastHeard)) }
            isFinished = true
        }
        return transitions
    }

    public private(set) var isFinished = false

    /// A stay becomes a dwell once it has lasted the zone's threshold while the device is still
    /// being placed there: a device that vanished does not dwell on in its last zone.
    private mutating func dwellTransition(at t: Double, layout: StoreLayout) -> Transition? {
        guard let zone, !dwellFired, let threshold = layout.zone(zone)?.dwellAfter, t - zoneSince >= threshold,
              t - lastInZone <= Self.outsideTolerance else { return nil }
        dwellFired = true
        return .zoneDwell(zone, at: zoneSince + threshold, threshold: threshold)
    }

    private mutating func closeZone(at t: Double) -> Transition? {
        guard let current = zone else { return nil }
        let dwell = max(0, t - zoneSince)
        if zonesVisited[current] == nil { zoneOrder.append(current) }
        zonesVisited[current, default: 0] += dwell
        zone = nil
        return .zoneExited(current, at: max(t, zoneSince), dwell: dwell)
    }
}
