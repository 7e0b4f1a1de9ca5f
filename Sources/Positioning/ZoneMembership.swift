import FootfallCore
import Foundation

/// Which zone a device is in, from its position and uncertainty, with hysteresis: a device
/// enters a zone after being probably inside it for the zone's `enterAfter` seconds, and leaves
/// after being probably outside for its `exitAfter` seconds — so a brief excursion (or a brief
/// error of the estimate) does not end a stay.
public struct ZoneMembership: Sendable, Hashable {
    public private(set) var current: String?
    private var candidate: String?
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
        if let current {
            if (probabilities[current] ?? 0) >= exit {
                lastInside = time
            } else if time - lastInside >= max(exitAfter(current, zones), switchAfter) {
                self.current = nil
            }
        }
        // The zone the device is taken to be in is the first, in configuration order, that it
        // is probably inside (as `StoreLayout.zone(containing:)`: zones listed first win
        // overlaps). Another zone than the current one must stay so for its `enterAfter`.
        var best = zones.first { (probabilities[$0.id] ?? 0) >= enter }?.id
        if best == current { best = nil }
        if best != candidate {
            candidate = best
            candidateSince = time
        }
        let wait = current == nil ? 0 : switchAfter
        if let candidate, time - candidateSince >= max(enterAfter(candidate, zones), wait) {
            current = candidate
            self.candidate = nil
            lastInside = time
        }
        return current
    }

    private func enterAfter(_ id: String, _ zones: [Zone]) -> Double {
        zones.first { $0.id == id }?.enterAfter ?? Zone.defaultEnterAfter
    }

    private func exitAfter(_ id: String, _ zones: [Zone]) -> Double {
        zones.first { $0.id == id }?.exitAfter ?? Zone.defaultExitAfter
    }
}
