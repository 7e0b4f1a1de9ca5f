/// Where the locate stage believes a device is, at a moment, from data up to that moment.
public struct PositionEstimate: Hashable, Sendable {
    public var time: Double
    public var device: DeviceID
    public var position: Point
    /// One-sigma radius of the position's uncertainty, metres.
    public var uncertainty: Double
    /// The zone the device is in after hysteresis, or nil when in no zone.
    public var zone: String?
    /// Since when the device has been in `zone`: the moment it was first probably there,
    /// which the hysteresis confirmed only later (at most its switching time before `time`).
    public var zoneSince: Double?
    /// Until when the stay in `zone` is settled: no change of zone the locate stage confirms
    /// later will be dated before it. The estimate's own time when it lies in `zone`; while it
    /// strays across a border within the zone margin, the first estimate across (a confirmed
    /// move is dated from it), though never more than the hysteresis's switching time before
    /// `time`. Nil where the locate stage does not say (the presence stage then allows the whole
    /// switching time).
    public var zoneSettledUntil: Double?
    /// Whether the estimate lies inside the store outline with enough confidence.
    public var insideStore: Bool
    /// Probability that the device is inside the outline rather than on the street outside it,
    /// where the locate stage weighs the two (the grid engine with a band outside the
    /// storefront); nil where it only decides (`insideStore`).
    public var insideProbability: Double?
    /// How many sensors contributed.
    public var sensorsHeard: Int

    public init(
        time: Double, device: DeviceID, position: Point, uncertainty: Double,
        zone: String? = nil, insideStore: Bool = true, sensorsHeard: Int = 0
    ) {
        self.time = time
        self.device = device
        self.position = position
        self.uncertainty = uncertainty
        self.zone = zone
        self.insideStore = insideStore
        self.sensorsHeard = sensorsHeard
    }
}
