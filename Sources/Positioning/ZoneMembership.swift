import FootfallCore
import Foundation

/// Which zone a device is in, from its position and uncertainty, with hysteresis: a device
/// enters a zone after being probably inside it for the zone's `enterAfter` seconds, and leaves
/// after being probably outside for its `exitAfter` seconds — so a brief excursion (or a brief
/// error of the estimate) does not end a stay.
public struct ZoneMembership: Sendable, Hashable {
    public private(set) var current: String?
    /// When the device was first probably in `current`: where its stay there began, before
    /// the hysteresis confirmed it.
    public private(set) var since: Double?
    private var candidate: String?
    /// Positions of `current` and `candidate` in the zones' list.
    private var currentIndex: Int?
    private var candidateIndex: Int?
    private var candidateSince = 0.0
    private var lastInside = -Double.infinity

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

    /// Updates with the probability of each zone at `time` and returns the current zone.
    /// - Parameters:
    ///   - probabilities: per zone id, the probability of being inside.
    ///   - zones: the layout's zones (for `enterAfter` / `exitAfter`).
    ///   - enter: probability above which the device is taken as inside a zone.
    ///   - exit: probability below which it is taken as outside its current zone.
    ///   - switchAfter: the least time (s) a device already in a zone must be probably in
    ///     another, or probably out of its own, before its zone changes: a position error
    ///     across a border must outlast it to count.
    public mutating func update(
        probabilities: [String: Double], zones: [Zone], at time: Double, enter: Double = 0.5, exit: Double = 0.3,
        switchAfter: Double = 0
    ) -> String? {
        let byIndex = zones.map { probabilities[$0.id] ?? 0 }
        // A zone taken from another list: find it again by its id in this one.
        if let current, currentIndex.map({ $0 >= zones.count || zones[$0].id != current }) ?? true {
            currentIndex = zones.firstIndex { $0.id == current }
            // Not one of these zones: probability 0 there, so it ends after the default wait.
            if currentIndex == nil, time - lastInside >= max(Zone.defaultExitAfter, switchAfter) {
                self.current = nil
                since = nil
            }
        }
        if let candidate, candidateIndex.map({ $0 >= zones.count || zones[$0].id != candidate }) ?? true {
            candidateIndex = zones.firstIndex { $0.id == candidate }
        }
        return update(zoneProbabilities: byIndex, zones: zones, at: time, enter: enter, exit: exit, switchAfter: switchAfter)
    }

    /// The same with the probabilities by zone index (the order of `zones`): no dictionary per
    /// estimate.
    mutating func update(
        zoneProbabilities probabilities: [Double], zones: [Zone], at time: Double, enter: Double, exit: Double,
        switchAfter: Double
    ) -> String? {
        if let index = currentIndex {
            if probabilities[index] >= exit {
                lastInside = time
            } else if time - lastInside >= max(zones[index].exitAfter, switchAfter) {
                current = nil
                currentIndex = nil
                since = nil
            }
        }
        // The zone the device is taken to be in is the first, in configuration order, that it
        // is probably inside (as `StoreLayout.zone(containing:)`: zones listed first win
        // overlaps). Another zone than the current one must stay so for its `enterAfter`.
        var best = probabilities.indices.first { probabilities[$0] >= enter }
        if best == currentIndex { best = nil }
        if best != candidateIndex {
            candidateIndex = best
            candidate = best.map { zones[$0].id }
            candidateSince = time
        }
        let wait = currentIndex == nil ? 0 : switchAfter
        if let index = candidateIndex, time - candidateSince >= max(zones[index].enterAfter, wait) {
            current = zones[index].id
            currentIndex = index
            since = candidateSince
            candidate = nil
            candidateIndex = nil
            lastInside = time
        }
        return current
    }
}
