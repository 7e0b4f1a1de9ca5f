import FootfallCore

/// The visit state machine of one device: position estimates and clock ticks in, transitions
/// out. A value type that decides and does nothing else; `VisitTracker` turns its transitions
/// into events.
///
/// The times its transitions carry never run backwards within a visit, whatever the locate
/// stage reports: a stay the locate stage dates back in hindsight is dated no earlier than the
/// visit's latest event, and a stay's dwell is decided only once no later revision can end
/// the stay before its threshold (`zoneHindsight`).
public struct DeviceVisit: Sendable, Hashable, Codable {
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
    /// No shopper walks faster than this (m/s; a brisk walk is 1.4–1.8).
    public static let fastestWalk = 2.0

    /// How far back (s) the locate stage may date the start of a zone stay when it confirms it
    /// (its zone hysteresis): a dwell is decided this long after its threshold, so that a move
    /// confirmed meanwhile and dated before the threshold ends the stay without one.
    public let zoneHindsight: Double
    public private(set) var visitStart: Double?
    public private(set) var zone: String?
    public private(set) var isStaff = false
    private(set) var candidateSince: Double?
    private(set) var lastInside = -Double.infinity
    private(set) var lastHeard = -Double.infinity
    private var firstHeard: Double?
    private var zoneSince = 0.0
    /// The last time the device was placed in its current zone.
    private var lastInZone = 0.0
    /// Until when the locate stage has said the stay in the current zone is settled: no move
    /// it confirms later will be dated before it (`PositionEstimate.zoneSettledUntil`).
    private var zoneSettled = -Double.infinity
    /// When the device last entered or left a zone.
    private var lastZoneChange = -Double.infinity
    private var dwellFired = false
    /// The latest time an event of this visit carries: no later event is dated before it.
    private var lastEventAt = -Double.infinity
    private var zonesVisited: [String: Double] = [:]
    private var zoneOrder: [String] = []
    private var presentSeconds = 0.0
    private var everVisited = false
    /// Before a visit: the recent inside probabilities, for judging in hindsight when the
    /// device came in (`enteredInHindsight`).
    private var recentInside: [InsideSample] = []
    /// Before a visit: where the estimates of the run of inside estimates that may become one
    /// placed the device, so that the zones it passed through before the visit was decided are
    /// told when it is, each stay dated from when it began (a store whose `enter_after` is a
    /// minute, to keep passers-by out, has a stay in that minute: docs/configuration.md).
    private var pendingZones: [ZoneSample] = []
    /// Before a visit: whether an estimate of the run of inside estimates placed the device
    /// clear of the storefront (`clearOfStorefront`); nil until one does.
    private var clearedStorefront: Bool?

    struct InsideSample: Hashable, Sendable, Codable {
        var time: Double
        var probability: Double
    }

    /// What the zone logic needs of one estimate.
    struct ZoneSample: Hashable, Sendable, Codable {
        var time: Double
        var insideStore: Bool
        var zone: String?
        var zoneSince: Double?
        var zoneSettledUntil: Double?
        /// The last time the device was placed inside, as of this estimate.
        var lastInside: Double

        init(_ estimate: PositionEstimate, lastInside: Double) {
            time = estimate.time
            insideStore = estimate.insideStore
            zone = estimate.zone
            zoneSince = estimate.zoneSince
            zoneSettledUntil = estimate.zoneSettledUntil
            self.lastInside = lastInside
        }
    }

    /// `afterVisit`: the device is still heard after a visit that ended (a shopper who left and
    /// lingers within range); if it does not come in again it is no passer-by. `staff`: found to
    /// be staff or a fixture before (`VisitTracker`): no visit of it is told.
    public init(zoneHindsight: Double = 0, afterVisit: Bool = false, staff: Bool = false) {
        self.zoneHindsight = zoneHindsight
        everVisited = afterVisit || staff
        isStaff = staff
    }

    public var isVisiting: Bool { visitStart != nil }

    public mutating func observe(
        _ estimate: PositionEstimate, layout: StoreLayout, settings: StoreConfiguration.PresenceSettings
    ) -> [Transition] {
        let t = estimate.time
        // Estimates arrive in time order from the locate stage; an older one is stale.
        guard t >= lastHeard else { return [] }
        var transitions: [Transition] = []
        lastHeard = t
        if firstHeard == nil { firstHeard = t }
        if visitStart == nil, let p = estimate.insideProbability {
            recentInside.append(InsideSample(time: t, probability: p))
            let horizon = t - (settings.enterAfter + Self.hindsight)
            if let stale = recentInside.firstIndex(where: { $0.time >= horizon }), stale > 0 { recentInside.removeFirst(stale) }
        }
        if estimate.insideStore {
            // A stay counts from the last break of `exit_after`, whatever the date: a night
            // shift across midnight (UTC, the stores' evenings in the Americas) is one stay
            // (audit: counted from each UTC midnight, it was never found as staff).
            if t - lastInside >= settings.exitAfter { presentSeconds = 0 }
            if t - lastInside <= Self.outsideTolerance { presentSeconds += t - lastInside }
            if !isStaff, presentSeconds > settings.maxPresence {
                isStaff = true
                if let start = visitStart {
                    // The visit so far went out as a shopper's: it is closed now (so that its
                    // `store.entered` has its `store.exited`), and nothing more is told of it.
                    transitions += closeZone(at: t, layout: layout)
                    transitions.append(.exited(start: start, end: dated(t), zones: visitedZones))
                }
                transitions.append(.becameStaff)
            }
            if visitStart == nil {
                // Every inside estimate bounds how long ago the device came in (never before it
                // was first heard); the earliest bound of the run of inside estimates wins. Where
                // the locate stage weighs inside against outside, the run of moments the device
                // was, in hindsight, more probably inside than out says it too.
                var cameIn = t - Self.leastTimeInside(estimate, layout: layout)
                if let since = Self.enteredInHindsight(recentInside, settings: settings) { cameIn = min(cameIn, since) }
                cameIn = max(cameIn, firstHeard ?? t)
                if let since = candidateSince, t - lastInside <= Self.outsideTolerance {
                    candidateSince = min(since, cameIn)
                } else {
                    candidateSince = cameIn
                    pendingZones = []
                    clearedStorefront = nil
                }
                if clearedStorefront == nil, Self.clearOfStorefront(estimate, layout: layout) { clearedStorefront = true }
                // A run placed only just behind the storefront waits `storefront_wait`: that is
                // where a passer-by on the pavement is placed, with a phone heard from the side.
                let wait = clearedStorefront == true ? settings.enterAfter : max(settings.enterAfter, settings.storefrontWait)
                if let since = candidateSince, t - since >= wait {
                    visitStart = since
                    lastEventAt = since
                    recentInside = []
                    everVisited = true
                    zonesVisited = [:]
                    zoneOrder = []
                    transitions.append(.entered(at: since))
                    // The zones of the run that made the visit, in the order they were seen.
                    let pending = pendingZones
                    pendingZones = []
                    for sample in pending { transitions += observeZone(sample, layout: layout) }
                }
            }
            lastInside = t
        }
        guard visitStart != nil else {
            // Kept while the run of inside estimates lasts: an estimate outside for longer than
            // `outsideTolerance` ends it, and the next inside estimate starts another.
            if candidateSince != nil, t - lastInside <= Self.outsideTolerance {
                pendingZones.append(ZoneSample(estimate, lastInside: lastInside))
            } else {
                pendingZones = []
            }
            return transitions
        }
        transitions += observeZone(ZoneSample(estimate, lastInside: lastInside), layout: layout)
        return transitions
    }

    /// The zone part of an estimate of a visit: a stay begun or ended, a dwell decided.
    private mutating func observeZone(_ estimate: ZoneSample, layout: StoreLayout) -> [Transition] {
        let t = estimate.time
        var transitions: [Transition] = []
        let observedZone = estimate.insideStore ? estimate.zone : nil
        if observedZone != nil, observedZone == zone { lastInZone = t }
        if observedZone != zone {
            // The locate stage confirms a move between zones only after its hysteresis: the
            // stay began when the device was first probably there, though never before the
            // last change of zone nor before the visit. A device placed outside the store left
            // its zone when it was last inside (the time its visit ends at, should it end), one
            // placed inside but in no zone at this estimate. Never before the visit's latest
            // event: what happened earlier has been told.
            let reported: Double
            if observedZone != nil {
                reported = min(max(estimate.zoneSince ?? t, lastZoneChange, visitStart ?? t), t)
            } else {
                reported = estimate.insideStore ? t : estimate.lastInside
            }
            let changedAt = max(reported, lastEventAt)
            transitions += closeZone(at: changedAt, layout: layout)
            lastZoneChange = changedAt
            if let observedZone {
                zone = observedZone
                zoneSince = dated(changedAt)
                lastInZone = t
                zoneSettled = -.infinity
                dwellFired = false
                transitions.append(.zoneEntered(observedZone, at: zoneSince))
            }
        }
        if observedZone != nil, let settled = estimate.zoneSettledUntil { zoneSettled = max(zoneSettled, settled) }
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
            transitions += closeZone(at: lastInside, layout: layout)
            transitions.append(.exited(start: start, end: dated(lastInside), zones: visitedZones))
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

    /// The zones of the visit, in the order first entered, with the time spent in each.
    private var visitedZones: [PresenceEvent.ZoneDwell] {
        zoneOrder.map { PresenceEvent.ZoneDwell(zone: $0, dwellSeconds: RFC3339.milliseconds(zonesVisited[$0] ?? 0)) }
    }

    /// How long a device placed at the estimate must at least have been inside: the walk from
    /// the nearest entrance (or, without entrances, the nearest wall), less twice the
    /// estimate's uncertainty, at `fastestWalk`. The locate stage is slow to tell a shopper
    /// who walked in from the street in front of the door (the first metres inside sound
    /// much like the pavement outside), so its first inside estimates find them metres past
    /// the door: the walk from the door says when they came in at the latest.
    static func leastTimeInside(_ estimate: PositionEstimate, layout: StoreLayout) -> Double {
        let p = estimate.position
        let walk = layout.entrances.isEmpty
            ? layout.outline.distanceToBoundary(p) : layout.entrances.map { $0.distance(to: p) }.min()!
        return max(0, walk - 2 * estimate.uncertainty) / fastestWalk
    }

    /// Whether an estimate is clear of the storefront: at least two of its uncertainties from
    /// every wall with an entrance (or the store has none), so that a device on the pavement
    /// in front would be a two-sigma error. A passer-by walking along the glass is placed inside
    /// for a while, just behind it, far more often than deep in the store (docs/positioning.md,
    /// "Passers-by counted as visitors on the simulated stores").
    static func clearOfStorefront(_ estimate: PositionEstimate, layout: StoreLayout) -> Bool {
        let p = estimate.position, clearance = 2 * estimate.uncertainty
        for wall in layout.storefronts {
            let e = wall.end - wall.start
            let along = max(0, min(1, ((p.x - wall.start.x) * e.x + (p.y - wall.start.y) * e.y) / (e.x * e.x + e.y * e.y)))
            if p.distance(to: wall.start + e * along) < clearance { return false }
        }
        return true
    }

    /// Seconds of inside probabilities kept beyond `enterAfter` for the smoothing.
    static let hindsight = 25.0

    /// Since when the device has been, in hindsight, more probably inside than outside: the
    /// start of the run of such moments that ends with the latest sample (gaps up to
    /// `outsideTolerance` bridged), or nil when the latest is not one.
    ///
    /// The locate stage's inside probability is causal, so it rises seconds after a shopper
    /// walked in. Smoothing it over a two-state chain (outside → inside at `walkInRate` per
    /// second, inside → outside at `walkOutRate`) uses what came after each moment: the
    /// evidence of each estimate is the ratio of its odds to the odds the chain predicted from
    /// the one before, and a backward pass carries later evidence to earlier moments.
    static func enteredInHindsight(_ samples: [InsideSample], settings: StoreConfiguration.PresenceSettings) -> Double? {
        guard let last = samples.last else { return nil }
        func clamped(_ p: Double) -> Double { min(max(p, 1e-6), 1 - 1e-6) }
        func odds(_ p: Double) -> Double { p / (1 - p) }
        func rates(_ dt: Double) -> (in: Double, out: Double) {
            (min(settings.walkInRate * max(dt, 0), 0.5), min(settings.walkOutRate * max(dt, 0), 0.5))
        }
        var smoothed = [Double](repeating: 0, count: samples.count)
        smoothed[samples.count - 1] = clamped(last.probability)
        var insideLater = 1.0, outsideLater = 1.0
        for i in stride(from: samples.count - 2, through: 0, by: -1) {
            let p = clamped(samples[i].probability), next = clamped(samples[i + 1].probability)
            let (walkIn, walkOut) = rates(samples[i + 1].time - samples[i].time)
            let predicted = clamped(p * (1 - walkOut) + (1 - p) * walkIn)
            // How much more the next estimate's readings favour inside than outside.
            let evidence = odds(next) / odds(predicted)
            let inside = (1 - walkOut) * evidence * insideLater + walkOut * outsideLater
            let outside = walkIn * evidence * insideLater + (1 - walkIn) * outsideLater
            insideLater = inside / (inside + outside)
            outsideLater = outside / (inside + outside)
            let a = p * insideLater, b = (1 - p) * outsideLater
            smoothed[i] = a / (a + b)
        }
        guard smoothed[samples.count - 1] >= 0.5 else { return nil }
        var start = last.time, lastInside = last.time
        for i in stride(from: samples.count - 1, through: 0, by: -1) {
            if smoothed[i] >= 0.5 {
                start = samples[i].time
                lastInside = samples[i].time
            } else if lastInside - samples[i].time > outsideTolerance {
                break
            }
        }
        return start
    }

    /// A stay becomes a dwell once it is known to have lasted the zone's threshold: the device
    /// was placed in the zone at the threshold moment or later, and no move the locate stage
    /// confirms later can be dated before it — the locate stage says the stay is settled that
    /// far (an estimate in the zone, with no stray across its border pending), or
    /// `zoneHindsight` has passed since. The event carries the threshold moment (the activation
    /// moment). Deciding as soon as the stay is settled, rather than always `zoneHindsight`
    /// later, fires it while the shopper is still there: a fixed 11 s later, half the dwells
    /// told in another zone than the shopper's were of shoppers who had dwelt and moved on.
    private mutating func dwellTransition(at t: Double, layout: StoreLayout) -> Transition? {
        guard let zone, !dwellFired, let threshold = layout.zone(zone)?.dwellAfter,
              lastInZone >= zoneSince + threshold, max(zoneSettled, t - zoneHindsight) >= zoneSince + threshold
        else { return nil }
        dwellFired = true
        return .zoneDwell(zone, at: dated(zoneSince + threshold), threshold: threshold)
    }

    /// Ends the current stay at `time` (never before it began nor before the visit's latest
    /// event). A stay that lasted its threshold but ended before its dwell was decided still
    /// dwelt: the dwell comes first.
    private mutating func closeZone(at time: Double, layout: StoreLayout) -> [Transition] {
        guard let current = zone else { return [] }
        let end = max(time, zoneSince, lastEventAt)
        var transitions: [Transition] = []
        if !dwellFired, let threshold = layout.zone(current)?.dwellAfter, end - zoneSince >= threshold, lastInZone >= zoneSince + threshold {
            dwellFired = true
            transitions.append(.zoneDwell(current, at: dated(zoneSince + threshold), threshold: threshold))
        }
        let dwell = end - zoneSince
        if zonesVisited[current] == nil { zoneOrder.append(current) }
        zonesVisited[current, default: 0] += dwell
        zone = nil
        transitions.append(.zoneExited(current, at: dated(end), dwell: dwell))
        return transitions
    }

    /// `time`, or the visit's latest event time when that is later; it becomes the latest.
    private mutating func dated(_ time: Double) -> Double {
        lastEventAt = max(lastEventAt, time)
        return lastEventAt
    }
}
