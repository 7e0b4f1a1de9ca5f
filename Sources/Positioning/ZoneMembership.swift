import FootfallCore
import Foundation

/// Which zone a device is in: a small hidden Markov model over the zones (and "no zone"), fed
/// each estimate's probability of being in each zone.
///
/// Shoppers move between sectors every minute or so, while a position estimate can stray
/// across a border for seconds. So the zone is itself tracked: between estimates a device
/// stays in its zone with probability e^(−Δt/stay) and otherwise moves to another,
///
///     π′(z) ∝ P(z | estimate) · [e^(−Δt/stay) · π(z) + (1 − e^(−Δt/stay)) · (1 − π(z)) / (n − 1)],
///
/// and the zone reported is the most probable one once it holds at least `report` of the
/// probability. A stray across a border must outweigh a minute's worth of staying before the
/// zone changes; a real move, which the estimates agree on second after second, is followed
/// within a few seconds — the more clearly the estimates say so, the sooner. A zone's own
/// `enter_after` and `exit_after` (store file) apply on top, as the least time the new zone
/// (or no zone) must have led before the change is reported.
public struct ZoneMembership: Sendable, Hashable {
    public private(set) var current: String?
    /// When the device was first probably in `current`: the start of the stretch of estimates
    /// that most favoured it, which the model confirmed only later.
    public private(set) var since: Double?
    /// Probability of each zone (by index in the zones' list) and, last, of no zone.
    private var belief: [Double] = []
    /// The zones' ids the belief is over, to notice a different list.
    private var zoneIDs: [String] = []
    private var lastTime: Double?
    private var currentIndex: Int?
    /// The state the belief favours, and since when.
    private var leader: Int?
    private var leaderSince = 0.0
    /// Per state, since when the estimates have favoured it most (nil: they do not now).
    private var favouredSince: [Double?] = []

    /// Probability an estimate gives every state whatever it says: an estimate can be wrong.
    static let floor = 0.02
    /// How far back (s) a confirmed zone change is dated at most, unless the zone's own
    /// `enter_after` (or the left zone's `exit_after`) is longer: the presence stage decides a
    /// `zone.dwell` only once this has passed since its moment, so that no move dated later can
    /// contradict it (docs/events.md). Most moves are confirmed within it.
    public static let hindsight = 10.0

    public init() {}

    /// Probability that a device at `position` with a circular Gaussian error of standard
    /// deviation `sigma` per axis is inside `polygon`, by a 15-point radial quadrature: the
    /// radius of a 2-D standard normal is Rayleigh, split into three bins of probability
    /// 0.274, 0.448, 0.278 each represented by its median radius (0, 1.174, 1.986).
    public static func probability(inside polygon: Polygon, position: Point, sigma: Double) -> Double {
        probability(inside: Outline(polygon), position: position, sigma: sigma)
    }

    static func probability(inside outline: Outline, position: Point, sigma: Double) -> Double {
        var p = outline.contains(position) ? 0.274 : 0
        guard sigma > 0 else { return p > 0 ? 1 : 0 }
        for i in 0..<6 {
            let angle = Double(i) * .pi / 3
            if outline.contains(position + Point(x: cos(angle), y: sin(angle)) * (1.174 * sigma)) { p += 0.448 / 6 }
        }
        for i in 0..<8 {
            let angle = (Double(i) + 0.5) * .pi / 4
            if outline.contains(position + Point(x: cos(angle), y: sin(angle)) * (1.986 * sigma)) { p += 0.278 / 8 }
        }
        return p
    }

    /// The probability of each of `zones` (in order) for a device at `position` with a circular
    /// Gaussian error `sigma`, by the same quadrature, each point counted for the first zone that
    /// contains it: where zones overlap the one listed first wins, so the probabilities are
    /// disjoint (as the grid's are) and sum to at most 1.
    public static func probabilities(of zones: [Polygon], position: Point, sigma: Double) -> [Double] {
        var result = [Double](repeating: 0, count: zones.count)
        probabilities(of: zones.map(Outline.init), position: position, sigma: sigma, into: &result)
        return result
    }

    static func probabilities(of zones: [Outline], position: Point, sigma: Double, into result: inout [Double]) {
        for z in result.indices { result[z] = 0 }
        func add(_ p: Point, _ weight: Double) {
            if let z = zones.firstIndex(where: { $0.contains(p) }) { result[z] += weight }
        }
        guard sigma > 0 else {
            add(position, 1)
            return
        }
        add(position, 0.274)
        for i in 0..<6 {
            let angle = Double(i) * .pi / 3
            add(position + Point(x: cos(angle), y: sin(angle)) * (1.174 * sigma), 0.448 / 6)
        }
        for i in 0..<8 {
            let angle = (Double(i) + 0.5) * .pi / 4
            add(position + Point(x: cos(angle), y: sin(angle)) * (1.986 * sigma), 0.278 / 8)
        }
    }

    /// Updates with the probability of each zone (by id) at `time` and returns the current zone.
    /// - Parameters:
    ///   - stay: mean time (s) a device stays in one zone before moving to another.
    ///   - report: probability the model must give a zone before it is reported.
    ///   - evidenceShare: the power each estimate's probabilities are raised to, 1 taking them
    ///     whole: consecutive estimates share most of their readings, so they are not independent.
    public mutating func update(
        probabilities: [String: Double], zones: [Zone], at time: Double, stay: Double = 20, report: Double = 0.5,
        evidenceShare: Double = 1
    ) -> String? {
        update(
            zoneProbabilities: zones.map { probabilities[$0.id] ?? 0 }, zones: zones, at: time, stay: stay, report: report,
            evidenceShare: evidenceShare)
    }

    /// The same with the probabilities by zone index (the order of `zones`): no dictionary per
    /// estimate. Where zones overlap (a till inside a floor) the probabilities given must count
    /// each place for the first zone listed, as `StoreLayout.zone(containing:)` does: the grid's
    /// and `probabilities(of:position:sigma:into:)` do.
    mutating func update(
        zoneProbabilities probabilities: [Double], zones: [Zone], at time: Double, stay: Double, report: Double,
        evidenceShare: Double = 1
    ) -> String? {
        guard !zones.isEmpty else {
            current = nil
            since = nil
            return nil
        }
        let n = zones.count + 1
        if favouredSince.count != n || !zip(zoneIDs, zones).allSatisfy({ $0 == $1.id }) { restart(zones) }
        // What this estimate says: each zone's probability, and no zone's the rest.
        var inZones = 0.0
        for p in probabilities { inZones += p }
        func evidence(_ i: Int) -> Double {
            let p = (i < zones.count ? max(probabilities[i], 0) : max(1 - inZones, 0)) + Self.floor
            return evidenceShare == 1 ? p : pow(p, evidenceShare)
        }
        if let last = lastTime, !belief.isEmpty {
            let dt = max(time - last, 0)
            let keep = exp(-dt / max(stay, 1e-6))
            var total = 0.0
            for i in 0..<n {
                let moved = (1 - keep) * (1 - belief[i]) / Double(max(n - 1, 1))
                belief[i] = (keep * belief[i] + moved) * evidence(i)
                total += belief[i]
            }
            for i in 0..<n { belief[i] /= total }
        } else {
            belief = (0..<n).map(evidence)
            let total = belief.reduce(0, +)
            for i in 0..<n { belief[i] /= total }
        }
        lastTime = time
        // Which state the estimates favour now, and since when.
        var favourite = 0
        for i in 1..<n where evidence(i) > evidence(favourite) { favourite = i }
        for i in 0..<n where i != favourite { favouredSince[i] = nil }
        if favouredSince[favourite] == nil { favouredSince[favourite] = time }
        // The model's leader, and since when it has led.
        var best = 0
        for i in 1..<n where belief[i] > belief[best] { best = i }
        if best != leader {
            leader = best
            leaderSince = time
        }
        let state = currentIndex ?? zones.count
        // Out of no zone, the zone that leads is reported at once: a device that is surely
        // somewhere in the zones is not left blank while two of them share it.
        guard best != state, belief[best] >= report || (currentIndex == nil && best < zones.count) else { return current }
        // A zone's own times: the least a new zone, or leaving one, must have led.
        let wait = best < zones.count ? zones[best].enterAfter : (currentIndex.map { zones[$0].exitAfter } ?? 0)
        guard time - leaderSince >= wait else { return current }
        if best < zones.count {
            current = zones[best].id
            currentIndex = best
            // Dated from when the estimates began to favour it, never before the last change
            // nor further back than `hindsight` (or the zone's own wait): what is decided
            // downstream (a dwell) need only wait that long for a move dated before it.
            let start = min(favouredSince[best] ?? leaderSince, leaderSince)
            since = max(start, changedAt ?? start, time - max(Self.hindsight, wait))
        } else {
            current = nil
            currentIndex = nil
            since = nil
        }
        changedAt = time
        return current
    }

    /// When the reported zone last changed.
    private var changedAt: Double?

    /// Forgets everything: the zones' list changed.
    private mutating func restart(_ zones: [Zone]) {
        zoneIDs = zones.map(\.id)
        belief = []
        lastTime = nil
        favouredSince = Array(repeating: nil, count: zones.count + 1)
        leader = nil
        // A zone taken from another list is kept while it is one of these zones.
        currentIndex = current.flatMap { id in zones.firstIndex { $0.id == id } }
        if currentIndex == nil {
            current = nil
            since = nil
        }
    }
}
