import FootfallCore

/// Zone membership with hysteresis: a device is in a new zone only after it has been seen
/// there for the zone's `enterAfter`, and leaves only after `exitAfter` outside.
public struct ZoneHysteresis: Sendable, Hashable {
    public private(set) var current: String?
    private var candidate: String?
    private var candidateSince: Double = 0
    private var lastInCurrent: Double = -.infinity

    public init() {}

    public mutating func update(_ observed: String?, at time: Double, layout: StoreLayout) -> String? {
        if observed == current {
            candidate = nil
            lastInCurrent = time
            return current
        }
        if candidate != observed {
            candidate = observed
            candidateSince = time
        }
        let enterAfter = observed.flatMap { layout.zone($0)?.enterAfter } ?? 0
        let exitAfter = current.flatMap { layout.zone($0)?.exitAfter } ?? 0
        if time - candidateSince >= enterAfter, time - lastInCurrent >= min(exitAfter, enterAfter) || current == nil {
            current = observed
            candidate = nil
            lastInCurrent = time
        } else if current != nil, time - lastInCurrent >= exitAfter, observed == nil {
            current = nil
            candidate = nil
        }
        return current
    }
}
