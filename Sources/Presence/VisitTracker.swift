import FootfallCore

/// All devices' visit state machines, turning their transitions into events with pseudonymous
/// identities and deterministic ids, plus the `store.traffic` aggregates. A value type returning
/// actions; whoever owns it (the pipeline, the daemon's presence actor) applies them: looks up
/// the visit history for `store.entered`, records ended visits, delivers events.
public struct VisitTracker: Sendable {
    public enum Action: Hashable, Sendable {
        /// An event to deliver. `device` is kept for scoring a replay and is never sent;
        /// `deliverable` is false for devices that may only be counted (identity settings).
        case emit(PresenceEvent, device: DeviceID?, deliverable: Bool)
        /// A visit of an identified device ended: record it in the history.
        case visitEnded(VisitRecord)
    }

    public let storeID: String
    public let gatewayID: String
    public let layout: StoreLayout
    public let settings: StoreConfiguration.PresenceSettings
    public let policy: IdentityPolicy
    /// How far back the locate stage may date a zone stay (`DeviceVisit.zoneHindsight`).
    public let zoneHindsight: Double
    private let pseudonymizer: Pseudonymizer
    private var devices: [DeviceID: DeviceVisit] = [:]
    /// Events made so far in each device's current visit: an event's place in its visit is
    /// part of its id, so two events of a visit never share one, even of the same type, zone
    /// and time (a zone left, entered and left again within a millisecond).
    private var eventsInVisit: [DeviceID: Int] = [:]
    private var traffic: TrafficCounter
    /// Devices whose visit ended while they were still heard, with when it was decided: the
    /// state machine that follows them after it knows they came in (no passer-by).
    private var leftRecently: [DeviceID: Double] = [:]
    /// Devices found to be staff or fixtures (present longer than `max_presence` without a break of `exit_after`), by
    /// their pseudonym (`Pseudonymizer.identityKey`, never the address), with when they were
    /// last heard: on later days they tell no visit from their first estimate.
    private var knownStaff: [String: Double] = [:]
    /// How long a device found to be staff is remembered unheard (s): staff on leave come back.
    /// Never longer than `identity.retention_days`.
    public static let staffRemembered = 30 * 86_400.0
    private var staffRemembered: Double { min(Self.staffRemembered, policy.settings.retentionDays * 86_400) }
    private var clock = -Double.infinity
    /// Devices whose visit an erasure request dropped, with when they were last heard: they make
    /// no visit until unheard for `exit_after`.
    private var erased: [DeviceID: Double] = [:]

    public init(
        storeID: String, gatewayID: String, layout: StoreLayout, settings: StoreConfiguration.PresenceSettings,
        policy: IdentityPolicy = IdentityPolicy(), pseudonymizer: Pseudonymizer, zoneHindsight: Double = 0
    ) {
        self.storeID = storeID
        self.zoneHindsight = zoneHindsight
        self.gatewayID = gatewayID
        self.layout = layout
        self.settings = settings
        self.policy = policy
        self.pseudonymizer = pseudonymizer
        traffic = TrafficCounter(interval: settings.trafficInterval)
    }

    /// The passers-by of the interval whose `store.traffic` is not yet made (a replay counts
    /// them in its analytics when the recording ends).
    public var unflushedPassersBy: (intervalStart: Double, count: Int)? { traffic.unflushedPassersBy }

    /// A visit in progress as kept across a restart of the daemon: its device, its state
    /// machine and how many events it has made (the next event's place in its visit).
    public struct OpenVisit: Codable, Sendable, Hashable {
        public var device: DeviceID
        var visit: DeviceVisit
        var eventsMade: Int
        /// When the visit began (nil for a staff member's state kept without one).
        public var visitStart: Double? { visit.visitStart }
    }

    /// What the tracker keeps across a restart of the daemon: the visits in progress (staff's
    /// included, so that they stay staff) and the devices found to be staff.
    public struct Kept: Codable, Sendable, Hashable {
        public var visits: [OpenVisit]
        /// Each device found to be staff, by its pseudonym, with when it was last heard.
        public var staff: [String: Double]
        /// Devices an erasure request dropped the visit of, with when they were last heard: a
        /// restart within `exit_after` does not count them in again.
        public var erased: [DeviceID: Double] = [:]

        public var isEmpty: Bool { visits.isEmpty && staff.isEmpty && erased.isEmpty }

        /// The form of `visits` (a visit's state machine as this version keeps it). Another
        /// version's visits are left (they end without their `store.exited`, as before visits
        /// were kept); the staff, a plain list, are taken whatever the version.
        public static let version = 1

        public init(visits: [OpenVisit], staff: [String: Double]) {
            self.visits = visits
            self.staff = staff
        }

        enum CodingKeys: String, CodingKey { case version, visits, staff, erased }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            staff = (try? container.decode([String: Double].self, forKey: .staff)) ?? [:]
            // As a list of pairs (a dictionary keyed by a struct encodes as one); absent before.
            let pairs = (try? container.decode([ErasedDevice].self, forKey: .erased)) ?? []
            erased = Dictionary(pairs.map { ($0.device, $0.lastHeard) }) { max($0, $1) }
            let version = try? container.decode(Int.self, forKey: .version)
            visits = version == Self.version ? ((try? container.decode([OpenVisit].self, forKey: .visits)) ?? []) : []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(Self.version, forKey: .version)
            try container.encode(visits, forKey: .visits)
            try container.encode(staff, forKey: .staff)
            try container.encode(erased.sorted { $0.key < $1.key }.map { ErasedDevice(device: $0.key, lastHeard: $0.value) }, forKey: .erased)
        }

        struct ErasedDevice: Codable {
            var device: DeviceID
            var lastHeard: Double
        }
    }

    /// The visits in progress, for keeping across a restart: a visit open when the daemon
    /// stops carries on when it starts again, instead of being left without its
    /// `store.exited` and counted again as a new visit.
    public var openVisits: [OpenVisit] {
        devices.filter { $0.value.isVisiting }.sorted { $0.key < $1.key }.map {
            OpenVisit(device: $0.key, visit: $0.value, eventsMade: eventsInVisit[$0.key] ?? 0)
        }
    }

    /// What to keep across a restart (`Kept`).
    public var kept: Kept {
        var kept = Kept(visits: openVisits, staff: knownStaff)
        kept.erased = erased
        return kept
    }

    /// Takes back what was kept at a stop (`kept`). A device already tracked keeps its own
    /// state. Visits whose shopper is gone end at the next tick, dated when last inside.
    public mutating func restore(_ kept: Kept) {
        for open in kept.visits where devices[open.device] == nil {
            devices[open.device] = open.visit
            eventsInVisit[open.device] = open.eventsMade
        }
        knownStaff.merge(kept.staff) { max($0, $1) }
        erased.merge(kept.erased) { max($0, $1) }
        // An erased device's visit kept by an older stop is not carried on.
        for device in kept.erased.keys where devices[device]?.isVisiting == true { devices[device] = nil }
    }

    /// What `forget` dropped of one shopper (by pseudonym): visits in progress, the staff mark,
    /// and the `anonymous_id`s the dropped visits' events carried.
    public struct Forgotten: Sendable, Equatable {
        public var visits = 0
        public var staff = 0
        public var anonymousIDs: [String] = []

        public init(visits: Int = 0, staff: Int = 0, anonymousIDs: [String] = []) {
            (self.visits, self.staff, self.anonymousIDs) = (visits, staff, anonymousIDs)
        }
    }

    /// The pseudonym of `device`'s visit from `visitStart` that `identities` names — its
    /// identity key, or the `anonymous_id` its events carry (a daily `anon-` one for a device
    /// that is not identified) — or nil.
    public func named(_ device: DeviceID, visitStart: Double?, in identities: Set<String>) -> String? {
        let identity = pseudonymizer.identityKey(for: device)
        if identities.contains(identity) { return identity }
        guard let visitStart else { return nil }
        let anonymous = pseudonymizer.anonymousID(for: device, at: visitStart, identified: policy.isIdentified(device))
        return identities.contains(anonymous) ? anonymous : nil
    }

    /// An erasure request while the tracker runs: the visit in progress of every device that
    /// `identities` names (`named`) is dropped with no more events (no `store.exited`: the
    /// shopper asked for it not to be), and so is its staff mark. A device still heard makes no
    /// visit until it has been unheard for `exit_after`: the shopper who asked is not counted
    /// in again the next second. Every identity asked for is answered, with zeros when nothing
    /// was held.
    public mutating func forget(_ identities: Set<String>) -> [String: Forgotten] {
        var forgotten = Dictionary(uniqueKeysWithValues: identities.map { ($0, Forgotten()) })
        guard !identities.isEmpty else { return forgotten }
        for (device, visit) in devices {
            guard let identity = named(device, visitStart: visit.visitStart, in: identities) else { continue }
            if let start = visit.visitStart {
                forgotten[identity]?.visits += 1
                forgotten[identity]?.anonymousIDs.append(
                    pseudonymizer.anonymousID(for: device, at: start, identified: policy.isIdentified(device)))
            }
            devices[device] = nil
            eventsInVisit[device] = nil
            erased[device] = clock
        }
        for device in leftRecently.keys where identities.contains(pseudonymizer.identityKey(for: device)) {
            leftRecently[device] = nil
        }
        for identity in identities where knownStaff.removeValue(forKey: identity) != nil {
            forgotten[identity]?.staff += 1
        }
        return forgotten
    }

    /// Devices whose kept visit an erasure request dropped before it was taken back (at a
    /// start), last heard at `time`: as `forget`, no visit until unheard for `exit_after`.
    public mutating func markErased(_ devices: [DeviceID], at time: Double) {
        for device in devices { erased[device] = max(erased[device] ?? time, time) }
    }

    /// Devices currently tracked, visitors or not.
    public var trackedDevices: Int { devices.count }
    /// Whether `device` is in a visit and its latest estimate placed it inside (staff included).
    public func isVisitingInside(_ device: DeviceID) -> Bool {
        guard let visit = devices[device], visit.isVisiting else { return false }
        return visit.lastInside >= visit.lastHeard
    }
    /// Devices currently on a visit.
    public var visitorsPresent: Int { devices.values.filter { $0.isVisiting && !$0.isStaff }.count }
    /// Visitors per zone right now.
    public var occupancy: [String: Int] {
        var counts: [String: Int] = [:]
        for visit in devices.values where visit.isVisiting && !visit.isStaff {
            if let zone = visit.zone { counts[zone, default: 0] += 1 }
        }
        return counts
    }

    public mutating func update(_ estimate: PositionEstimate) -> [Action] {
        if !erased.isEmpty, erased[estimate.device] != nil {
            erased[estimate.device] = max(erased[estimate.device]!, estimate.time)
            return []
        }
        var visit = devices[estimate.device]
            ?? DeviceVisit(
                zoneHindsight: zoneHindsight, afterVisit: leftRecently.removeValue(forKey: estimate.device) != nil,
                staff: !knownStaff.isEmpty && knownStaff[pseudonymizer.identityKey(for: estimate.device)].map { estimate.time - $0 < staffRemembered } == true)
        let before = visit.visitStart
        let transitions = visit.observe(estimate, layout: layout, settings: settings)
        devices[estimate.device] = visit
        return actions(for: transitions, device: estimate.device, visit: visit, visitStart: before ?? visit.visitStart, decidedAt: estimate.time)
    }

    /// Advances the clock (a clock that goes backwards is ignored): ends visits, forgets
    /// passers-by and emits a `store.traffic` aggregate at each interval boundary.
    public mutating func tick(_ time: Double) -> [Action] {
        guard time >= clock else { return [] }
        let clockBefore = clock
        clock = time
        var result: [Action] = traffic.flush(upTo: time, storeID: storeID, gatewayID: gatewayID).map {
            .emit($0, device: nil, deliverable: true)
        }
        for device in devices.keys.sorted() {
            guard var visit = devices[device] else { continue }
            let before = visit.visitStart
            let transitions = visit.tick(time, layout: layout, settings: settings)
            result += actions(for: transitions, device: device, visit: visit, visitStart: before, decidedAt: time)
            devices[device] = visit.isFinished ? nil : visit
            if visit.isFinished {
                eventsInVisit[device] = nil
                if visit.isStaff {
                    knownStaff[pseudonymizer.identityKey(for: device)] = time
                } else if before != nil {
                    leftRecently[device] = time
                }
            }
        }
        // Heard again within `exit_after` of leaving, or not at all: either way it is settled.
        if !leftRecently.isEmpty { leftRecently = leftRecently.filter { time - $0.value < settings.exitAfter } }
        if !erased.isEmpty { erased = erased.filter { time - $0.value < settings.exitAfter } }
        // Once a day of the data's time, staff unheard for a month are forgotten.
        if (time / 86_400).rounded(.down) != (clockBefore / 86_400).rounded(.down), !knownStaff.isEmpty {
            knownStaff = knownStaff.filter { time - $0.value < staffRemembered }
        }
        return result
    }

    /// `visitStart` is the start of the visit the transitions belong to (the one that was open
    /// before them, or the one they opened); `decidedAt` the time they were decided at, whose
    /// traffic interval counts a passer-by or an ended visit.
    private mutating func actions(
        for transitions: [DeviceVisit.Transition], device: DeviceID, visit: DeviceVisit, visitStart: Double?, decidedAt: Double
    ) -> [Action] {
        guard !transitions.isEmpty else { return [] }
        let identified = policy.isIdentified(device)
        let deliverable = identified || policy.settings.anonymousEvents
        var result: [Action] = []
        // Staff tell nothing from the moment they are found: the transitions before that (the
        // visit so far closed) are told.
        var staff = visit.isStaff && !transitions.contains(.becameStaff)
        for transition in transitions {
            switch transition {
            case .becameStaff:
                staff = true
                knownStaff[pseudonymizer.identityKey(for: device)] = decidedAt
                continue
            case .passedBy:
                traffic.countPasserBy(at: decidedAt)
                continue
            case .entered:
                eventsInVisit[device] = 1
            default:
                eventsInVisit[device, default: 0] += 1
            }
            let ordinal = eventsInVisit[device, default: 1]
            switch transition {
            case .becameStaff, .passedBy:
                continue
            case .exited(let start, let end, let zones):
                eventsInVisit[device] = nil
                guard !staff else { continue }
                traffic.countVisit(duration: end - start, engaged: end - start >= settings.engagedAfter, at: decidedAt)
                var event = self.event(.storeExited, device, identified, visitStart: start, zone: nil, at: end, ordinal: ordinal)
                event.visitDurationSeconds = RFC3339.milliseconds(end - start)
                event.zonesVisited = zones
                result.append(.emit(event, device: device, deliverable: deliverable))
                if identified {
                    result.append(.visitEnded(VisitRecord(identity: pseudonymizer.identityKey(for: device), start: start, end: end)))
                }
            default:
                guard !staff, let start = visitStart else { continue }
                result.append(.emit(
                    event(for: transition, device, identified, visitStart: start, ordinal: ordinal), device: device, deliverable: deliverable))
            }
        }
        return result
    }

    private func event(
        for transition: DeviceVisit.Transition, _ device: DeviceID, _ identified: Bool, visitStart: Double, ordinal: Int
    ) -> PresenceEvent {
        switch transition {
        case .entered(let at):
            var event = event(.storeEntered, device, identified, visitStart: visitStart, zone: nil, at: at, ordinal: ordinal)
            event.customerID = policy.customerID(for: device)
            return event
        case .zoneEntered(let zone, let at):
            return event(.zoneEntered, device, identified, visitStart: visitStart, zone: zone, at: at, ordinal: ordinal)
        case .zoneDwell(let zone, let at, let threshold):
            var event = event(.zoneDwell, device, identified, visitStart: visitStart, zone: zone, at: at, ordinal: ordinal)
            event.dwellSeconds = RFC3339.milliseconds(threshold)
            return event
        case .zoneExited(let zone, let at, let dwell):
            var event = event(.zoneExited, device, identified, visitStart: visitStart, zone: zone, at: at, ordinal: ordinal)
            event.dwellSeconds = RFC3339.milliseconds(dwell)
            return event
        case .exited, .passedBy, .becameStaff:
            preconditionFailure("handled by the caller")
        }
    }

    private func event(
        _ type: PresenceEvent.Kind, _ device: DeviceID, _ identified: Bool, visitStart: Double, zone: String?, at time: Double,
        ordinal: Int
    ) -> PresenceEvent {
        let anonymous = pseudonymizer.anonymousID(for: device, at: visitStart, identified: identified)
        let start = RFC3339.string(visitStart)
        var event = PresenceEvent(
            id: DeterministicID.make([storeID, anonymous, start, type.rawValue, zone ?? "", RFC3339.string(time), String(ordinal)]),
            type: type, occurredAt: time, storeID: storeID, gatewayID: gatewayID)
        event.anonymousID = anonymous
        event.customerID = identified ? policy.customerID(for: device) : nil
        event.visitID = DeterministicID.make([storeID, anonymous, start])
        event.zone = zone
        return event
    }
}

