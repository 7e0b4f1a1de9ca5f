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
    public var rssiNoise: Double = 8
    /// Residuals beyond this many standard deviations count linearly, not quadratically (Huber).
    public var huberThreshold: Double = 2
    /// Prior standard deviation (dB) of a phone's transmit offset from the model, estimated per
    /// estimate as a nuisance parameter (phones differ by ±5–10 dB).
    public var transmitOffsetSigma: Double = 8

    // MARK: Survey radio map (grid engine)

    /// Spacing of the grid of candidate positions, metres.
    public var gridStep: Double = 0.75
    /// Upper bound on grid cells; the step grows for very large outlines to respect it.
    public var maximumCells: Int = 20_000
    /// Kernel bandwidth (metres) over which survey samples are averaged into the map.
    public var surveyBandwidth: Double = 0.5
    /// Weight, in survey samples, of the fitted path-loss model in each cell of the map:
    /// where the survey is dense it dominates, where it is sparse the model fills in.
    public var modelPriorWeight: Double = 3

    // MARK: Motion

    /// Diffusion coefficient (m²/s) of a browsing shopper: the spread of positions grows as
    /// √(2·D·t).
    public var browsingDiffusion: Double = 0.1
    /// Speed (m/s) of a walking shopper.
    public var walkingSpeed: Double = 1.0
    /// Fraction of the probability that moves at walking speed between two estimates; lets
    /// the grid follow a shopper who walks off instead of lagging behind.
    public var walkingFraction: Double = 0.3
    /// Share of the tracked velocity by which the grid is carried forward between estimates
    /// (0: a pure random walk, which lags behind a walking shopper).
    public var gridDrift: Double = 1
    /// Highest plausible speed (m/s): the multilateration tracker never exceeds it.
    public var maximumSpeed: Double = 2.0
    /// White-noise acceleration (m²/s³) of the constant-velocity tracker.
    public var trackerAcceleration: Double = 0.5

    // MARK: Zones

    /// Probability of being inside a zone above which the device counts as in it (entering).
    public var zoneEnterProbability: Double = 0.5
    /// Probability below which the device counts as out of its current zone (leaving);
    /// lower than the entering one so that a position on the border does not flicker.
    public var zoneExitProbability: Double = 0.3

    public init() {}
}
