import FootfallCore

/// Which zone a device is in, from its estimates: the zone containing the estimate, held
/// while the estimate strays no further than a margin beyond the zone's border.
///
/// An estimate errs by a metre or more, so near a border it crosses to and fro while the
/// shopper browses on one side. The zone reported changes only when the estimate lies in
/// another zone (or in none) and more than the margin beyond the border of the zone
/// reported: the estimate's uncertainty, less a second of the device's tracked speed
/// (`PositioningConfiguration.zoneMargin(uncertainty:speed:)`). A stray of a standing
/// device's estimate within its own error does not change it; a device on the move that
/// crosses a border has more likely moved, and is followed sooner. Measured against a hidden Markov model over the zones
/// with a prior of staying a minute (docs/positioning.md, "Zones: the trade"), which held a
/// zone for seconds after the shopper had left it, this is right more often on 15 cases of
/// 16 with zones (as often on the other) and about as often changes zones. A zone's own `enter_after` and `exit_after` (store file)
/// apply on top, as the least time the estimate must have been in the new zone (or out of
/// every zone) before the change is reported.
public struct ZoneMembership: Sendable, Hashable {
    public private(set) var current: String?
    /// When the device entered `current`: the first estimate inside it of the stretch that
    /// led to the change, which was confirmed only later.
    public private(set) var since: Double?
    /// Until when the device is known to have been in `current`: no change confirmed later
    /// will be dated before it. The last update's time when its estimate lay in `current`;
    /// while estimates stray beyond its border within the margin, the first of them (a change
    /// confirmed later is dated from it), never more than `hindsight` (or the zone strayed
    /// into's own `enter_after`) before the last update. A change to no zone is dated when it
    /// is confirmed, so a stray into no zone leaves it at the last update's time.
    public private(set) var settledUntil: Double?
    private var currentIndex: Int?
    /// The zones' ids the state is about, to notice a different list.
    private var zoneIDs: [String] = []
    /// The state (a zone's index, or the zones' count for none) the estimates have been in
    /// since `candidateSince` while another is reported.
    private var candidate: Int?
    private var candidateSince = 0.0
    /// When the reported zone last changed.
    private var changedAt: Double?
    /// Whether `current` was decided by a tentative estimate and no other has been in it since:
    /// it is not held by the margin. An estimate made between rounds from the part of a batch
    /// heard so far, or from one sensor's readings alone (how far from it, not in which
    /// direction), may lie metres off for reasons its uncertainty does not show.
    private var unconfirmed = false

    /// How far back (s) a confirmed zone change is dated at most, unless the zone's own
    /// `enter_after` (or the left zone's `exit_after`) is longer: the presence stage decides a
    /// `zone.dwell` only once this has passed since its moment, so that no move dated later can
    /// contradict it (docs/events.md). Most moves are confirmed within it.
    public static let hindsight = 10.0
    /// How far (m) outside a zone's polygon a point still counts as on its edge.
    static let edge = 0.01

    public init() {}

    /// Updates with the estimate at `time` and returns the current zone.
    /// - Parameters:
    ///   - position: the estimate, inside the store.
    ///   - uncertainty: its error's standard deviation per axis (m).
    ///   - speed: the device's tracked speed (m/s).
    ///   - configuration: the zone margin's settings (`zoneMargin(uncertainty:speed:)`).
    ///   - tentative: the estimate cannot place the device yet — made between rounds from part
    ///     of a batch (`Locator.estimate(device:at:)`), or heard by one sensor only: a zone it
    ///     changes to is not held by the margin until another estimate has been in it.
    public mutating func update(
        position: Point, uncertainty: Double, speed: Double = 0, zones: [Zone], at time: Double,
        configuration: PositioningConfiguration = PositioningConfiguration(), tentative: Bool = false
    ) -> String? {
        update(
            position: position, uncertainty: uncertainty, zones: zones, outlines: zones.map { Outline($0.polygon) },
            at: time, margin: configuration.zoneMargin(uncertainty: uncertainty, speed: speed), tentative: tentative)
    }

    /// The same with the zones' outlines made once (the locator's) and the margin worked out.
    /// Where zones overlap (a till inside a floor) a place counts for the first zone listed,
    /// as `StoreLayout.zone(containing:)` has it.
    mutating func update(
        position: Point, uncertainty: Double, zones: [Zone], outlines: [Outline], at time: Double, margin: Double,
        tentative: Bool = false
    ) -> String? {
        guard !zones.isEmpty else {
            current = nil
            since = nil
            settledUntil = nil
            return nil
        }
        if !zoneIDs.elementsEqual(zones.lazy.map(\.id)) { restart(zones) }
        let none = zones.count
        // A point on a zone's edge (an estimate clamped to the walls) counts as inside it.
        let containing = outlines.firstIndex { $0.contains(position) }
            ?? outlines.firstIndex { $0.distanceOutside(position) <= Self.edge } ?? none
        let state = currentIndex ?? none
        guard containing != state else {
            candidate = nil
            if !tentative { unconfirmed = false }
            settledUntil = current == nil ? nil : time
            return current
        }
        if candidate != containing {
            candidate = containing
            candidateSince = time
        }
        // Were this stray confirmed later, the stay in `current` would end no earlier than this.
        settledUntil = current == nil ? nil
            : containing < none ? max(candidateSince, time - max(Self.hindsight, zones[containing].enterAfter)) : time
        // Within the margin of the zone reported: a stray, or a move not yet clear. Inside its
        // polygon but in a zone listed before it (a till on the floor), the way back is out
        // of that zone.
        if let index = currentIndex, !unconfirmed {
            let beyond = outlines[index].contains(position)
                ? (containing < none ? outlines[containing].distanceToBoundary(position) : 0)
                : outlines[index].distanceOutside(position)
            if beyond <= margin { return current }
        }
        // A zone's own times: the least the estimates must have been in the new zone (or out
        // of the one left).
        let wait = containing < none ? zones[containing].enterAfter : (currentIndex.map { zones[$0].exitAfter } ?? 0)
        guard time - candidateSince >= wait else { return current }
        if containing < none {
            current = zones[containing].id
            currentIndex = containing
            settledUntil = time
            // Dated from the first estimate in it, never before the last change nor further
            // back than `hindsight` (or the zone's own wait): what is decided downstream (a
            // dwell) need only wait that long for a move dated before it.
            since = max(candidateSince, changedAt ?? candidateSince, time - max(Self.hindsight, wait))
        } else {
            current = nil
            currentIndex = nil
            since = nil
            settledUntil = nil
        }
        candidate = nil
        changedAt = time
        unconfirmed = tentative
        return current
    }

    /// Forgets the zones' state: the zones' list changed.
    private mutating func restart(_ zones: [Zone]) {
        zoneIDs = zones.map(\.id)
        candidate = nil
        // A zone taken from another list is kept while it is one of these zones.
        currentIndex = current.flatMap { id in zones.firstIndex { $0.id == id } }
        if currentIndex == nil {
            current = nil
            since = nil
            settledUntil = nil
        }
    }
}
