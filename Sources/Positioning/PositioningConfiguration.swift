import FootfallCore

/// Tuning of the locate stage; `init()` gives defaults that work for a ceiling-mounted store.
public struct PositioningConfiguration: Hashable, Sendable {
    /// Readings older than this (seconds) no longer contribute to an estimate.
    public var window: Double = 4
    /// A device unheard for this long (seconds) is forgotten.
    public var forgetAfter: Double = 30
    /// Smoothing of successive estimates, 0 (none) to 1 (frozen).
    public var smoothing: Double = 0.5

    public init() {}
}
