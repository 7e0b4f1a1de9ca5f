import FootfallCore

/// Tuning of the locate stage. `init()` gives defaults that work for a ceiling- or wall-mounted
/// store with or without a survey; each field says what it models so it can be set from physics,
/// not tuned to one recording.
public struct PositioningConfiguration: Hashable, Sendable {
    /// How a position is computed from the filtered readings.
    public enum Engine: String, Hashable, Sendable, CaseIterable {
        /// A Bayesian grid filter over a radio map (the survey shrunk towards the path-loss
        /// model, or the model alone): the most accurate, cost grows with the store's area.
        case grid
        /// Levenberg–Marquardt multilateration on the path-loss model followed by a
        /// constant-velocity Kalman tracker: cheap and area-independent, less accurate.
        case multilateration
    }

    public var engine: Engine = .grid

    // MARK: Devices and readings

    /// A device with no reading in this many seconds gets no estimate (it is not "heard recently").
    public var window: Double = 5
    /// A device unheard for this long (seconds) is forgotten, its track and zone with it.
    public var forgetAfter: Double = 30
    /// Readings outside this range (dBm) are not radio measurements (e.g. +42 dBm garbage, 0, 127).
    public var plausibleRSSI: ClosedRange<Double> = -115 ... -10
    /// A device whose unbounded multilateration fix lies further than this (metres) outside the
    /// outline is reported outside the store (`insideStore == false`): a passer-by. Fixes are
    /// noisy (1–3 m), so a shopper by a wall must not be taken for one.
    public var outsideMargin: Double = 2.5
    /// A reading further than this (dB) from the sensor's recent median is an outlier (Hampel
    /// filter); the gate widens to three robust standard deviations when the channel is noisier.
    public var outlierGate: Double = 15

    // MARK: Radio model

    /// Standard deviation (dB) of one reading around the radio map: multipath fading plus the
    /// map's own error. Fitted residuals of real surveys are 5–8 dB.
    public var rssiNoise: Double = 5
    /// Level (dBm) below which a sensor hears nothing: a sensor silent through a batch says the
    /// device is probably not where the map expects it to be heard well above this. nil (the
    /// default) learns it from the readings: the level of the weakest 1 % (`SilenceModel`).
    public var receiverSensitivity: Double? = nil
    /// A sensor counts as silent in a batch where another sensor heard this many packets.
    public var silentAfterPackets: Int = 1
    /// Spread of the level at which a sensor starts to hear a device, relative to `rssiNoise`:
    /// the detection threshold is blurred by fading and by each packet's own level.
    public var silentSpread: Double = 5
    /// How far (metres) the band runs along the storefront past the store's corners.
    public var streetBeyondCorners: Double = 10
    /// How much wider (a factor ≥ 1) the spread of readings weaker than the map is than that of
    /// stronger ones: a body or a shelf between phone and sensor takes away up to 10 dB,
    /// nothing adds as much.
    public var attenuationSpread: Double = 2
    /// Huber threshold (standard deviations) of readings weaker than the map: beyond it a
    /// deficit counts linearly, so one sensor behind the walker's body does not outvote the rest.
    public var attenuationHuberThreshold: Double = 2
    /// Residuals beyond this many standard deviations count linearly, not quadratically (Huber).
    public var huberThreshold: Double = 2
    /// Prior standard deviation (dB) of a phone's transmit offset from the model, estimated per
    /// estimate as a nuisance parameter (phones differ by ±5–10 dB).
    public var transmitOffsetSigma: Double = 8
    /// Prior mean (dB) of a phone's transmit offset from the model.
    public var transmitOffsetMean: Double = 0
    /// Share of each batch's information about the offset that counts as evidence of the
    /// device's own level, which the grid learns over its visit and centres each batch's offset
    /// on (0: the offset is fitted afresh to every batch, `transmitOffsetCarry`). Far below 1
    /// because a standing phone's batches share their shadowing, and a walking one's its
    /// estimate's errors: about one batch in 50 is independent evidence, as for the sensor
    /// gains (`SensorGains.witnessBatches`).
    public var transmitOffsetLearning: Double = 0.02
    /// Without learning, the share of the last batch's offset that the next batch's prior is
    /// centred on (the rest is the configured mean): the phone's offset persists between
    /// batches, but carried in full it would drift where offset and distance are confounded.
    public var transmitOffsetCarry: Double = 0.5
    /// With learning, how far (standard deviation, dB) one batch's offset may lie from the
    /// device's learnt level: its orientation and carrying position (hand, pocket, bag) change
    /// what every sensor hears of it by several dB. The learnt level is never trusted more than
    /// this, so such a change is followed.
    public var transmitOffsetFloor: Double = 5
    /// With learning, how well (standard deviation, dB) the level of a device that recorded
    /// the survey is known from it: its readings there against the models fitted to them give
    /// its level, which stays with the tag or phone but for its battery and temperature. The
    /// survey's own device then starts with that level learnt rather than every phone's spread.
    public var surveyedDeviceLevelSpread: Double = 1

    /// Whether the grid engine learns each sensor's gain (how much louder than its model it
    /// hears every device) from all the devices' readings; sensors a survey measured, or whose
    /// path loss the store file states, keep that model.
    public var sensorGainLearning = true
    /// Devices' worth of evidence a learnt gain starts from at the model's 0 dB: a gain seen by
    /// this many devices is applied by half. One device's residuals also carry the shadowing of
    /// the places it stood, which the gain must not take in.
    public var sensorGainPriorDevices: Double = 12
    /// Standard deviation of how far the building's path-loss exponent may lie from the
    /// model's, where the model is the default's guess (grid engine): indoor exponents run
    /// from 1.6 to 3.5, and a centroid, which ignores the exponent, loses nothing to a wrong
    /// one. Learnt from all the devices as the sensor gains are, so the spread narrows as they
    /// teach it. Sensors a survey measured, or whose path loss the store file states, keep
    /// their exponent.
    public var pathLossExponentSpread: Double = 0.6
    /// Standard deviation of how far the exponent seen from one place may lie from the
    /// building's (a shelf row or a wall on some paths, open floor on others), which no number
    /// of devices narrows. The grid fits the deviation at each cell beside the phone's offset,
    /// with both spreads as its prior. Both 0 hold every exponent at the model's. 0 by
    /// default: right behind the storefront an inside shopper's readings fit a passer-by's
    /// with a steeper exponent, and a spread that never narrows took twice as many passers-by
    /// for visitors on the demo store (docs/positioning.md).
    public var pathLossExponentLocalSpread: Double = 0

    // MARK: Survey radio map (grid engine)

    /// Width (metres) of the band around the outline where the grid also places devices: the
    /// street or mall outside the walls. A device whose probability is mostly there is
    /// reported outside the store (a passer-by). 0 confines the grid to the outline (and the
    /// inside/outside decision to the multilateration fix and `outsideMargin`).
    public var outsideBand: Double = 5
    /// How much weaker (dB) the sensors, all inside, hear a device outside the outline than the
    /// path-loss model says at its distance: the storefront's glass or the outer wall between
    /// them. Applies to the band's cells (`outside_band`). 0 by default: an open front, and
    /// the band as a sink for weakly heard shoppers deep in a sparse store otherwise
    /// (docs/positioning.md, "The storefront's loss").
    public var outsideWallLoss: Double = 0
    /// Whether the band lies only along the walls with an entrance (the storefront), where the
    /// street or mall is, rather than all around the outline.
    public var outsideBandAlongStorefront = true
    /// Whether the grid's motion model keeps devices on their side of the walls, letting them
    /// in and out only within `entranceRadius` (metres) of an entrance: a passer-by does not
    /// drift in through the wall, a shopper who walked in does not drift out.
    public var wallsBetweenInsideAndOutside = true
    public var entranceRadius: Double = 2
    /// Share of the probability the motion model carries out through a door in a step that is
    /// let out, for a device that has been inside `doorExitShareAfter` seconds or more (grid
    /// engine; 1 lets it all out). The walk that lets the grid follow a shopper who walks off
    /// spreads a share of the probability at walking speed every second, which by a door
    /// takes some of it out of the store every second; a shopper by the door is far more
    /// often browsing than leaving (visits last minutes), and behind a storefront whose
    /// sensors hear the pavement as well as the aisle the readings cannot tell the two, so
    /// that probability let out grows there and the walls then keep the shopper on the street.
    /// A shopper who leaves is placed outside once the readings say so: seconds later on the demo
    /// store, up to a minute where they hardly tell the pavement from the aisle (docs/positioning.md).
    public var doorExitShare: Double = 0.01
    /// Seconds a device must have been taken as inside before `doorExitShare` holds it: a
    /// passer-by first placed inside, before the readings have told the sides apart, is not held.
    public var doorExitShareAfter: Double = 10
    /// Probability of being inside the outline above which a device outside is taken as having
    /// entered, and below which a device inside is taken as having left (grid engine).
    public var insideEnterProbability: Double = 0.4
    /// Prior weight of a cell of the band against a cell inside, for a device first heard (or
    /// restarted): a phone heard by the store's sensors is more often inside than outside.
    public var outsidePrior: Double = 1
    public var insideExitProbability: Double = 0.3

    /// Spacing of the grid of candidate positions, metres.
    public var gridStep: Double = 0.75
    /// The step is at least the sensors' typical spacing (the median distance from a sensor
    /// to its nearest neighbour) divided by this: the radio cannot place a device more finely
    /// than a fraction of that spacing, and each estimate costs in proportion to the cells it
    /// covers (sensors 10 m apart: 1 m cells; 3 m apart: `gridStep`).
    public var cellsPerSensorSpacing: Double = 10
    /// Upper bound on grid cells; the step grows for very large outlines to respect it.
    public var maximumCells: Int = 20_000
    /// Correlation length (metres) of the shadowing around the path-loss model: how far from a
    /// surveyed point its measured deviation from the model still says something. Indoor
    /// shadowing decorrelates over one to a few metres (Gudmundson); the real surveys in
    /// `../shared/datasets/` measure 0.5–1.5 m (docs/positioning.md, "The shadowing's
    /// correlation length").
    public var shadowingCorrelation: Double = 1.5
    /// Standard deviation (dB) of that shadowing: how far the survey may pull the map away from
    /// the fitted model. Where the survey is dense the map follows it; between surveyed points
    /// it returns to the model over `shadowingCorrelation` (`RadioMap`).
    public var shadowingSpread: Double = 4

    // MARK: Motion

    /// Diffusion coefficient (m²/s) of a browsing shopper: the spread of positions grows as
    /// √(2·D·t).
    public var browsingDiffusion: Double = 0.05
    /// Speed (m/s) of a walking shopper.
    public var walkingSpeed: Double = 1.0
    /// Fraction of the probability that moves at walking speed between two estimates; lets
    /// the grid follow a shopper who walks off instead of lagging behind.
    public var walkingFraction: Double = 0.15
    /// Share of the tracked velocity by which the grid is carried forward between estimates
    /// (0: a pure random walk, which lags behind a walking shopper).
    public var gridDrift: Double = 1
    /// Evidence (nats, accumulated over updates) that the readings fit somewhere outside the
    /// grid's current hypotheses better, at which the grid restarts from a uniform prior: how
    /// soon a lost track (or a shopper who walked in from the street) is picked up again.
    public var restartEvidence: Double = 12
    /// Highest plausible speed (m/s): the multilateration tracker never exceeds it.
    public var maximumSpeed: Double = 2.0
    /// White-noise acceleration (m²/s³) of the constant-velocity tracker.
    public var trackerAcceleration: Double = 0.5

    // MARK: Zones

    /// How far (m) beyond the border of the zone reported an estimate may stray and the zone
    /// still be kept (`ZoneMembership`), whatever its uncertainty: estimates err, so near a
    /// border they cross to and fro while the shopper stays on one side.
    public var zoneMargin: Double = 0
    /// Share of the estimate's uncertainty (its error's standard deviation per axis, m) added
    /// to `zoneMargin`: an estimate may stray by its own error, the less sure the further.
    public var zoneMarginPerUncertainty: Double = 1
    /// Seconds of the device's tracked speed taken off the margin: a device on the move that
    /// crosses a border has more likely moved, and is followed sooner; one standing still is
    /// held by the whole margin.
    public var zoneMarginPerSpeed: Double = 1

    /// The zone margin (m) for an estimate of this uncertainty (m) of a device moving at
    /// `speed` (m/s): never below 0.
    public func zoneMargin(uncertainty: Double, speed: Double) -> Double {
        max(zoneMargin + zoneMarginPerUncertainty * max(uncertainty, 0) - zoneMarginPerSpeed * max(speed, 0), 0)
    }

    public init() {}
}
