import FootfallCore

/// A survey's reference points: samples taken at the same spot (same x,y, or the same zone
/// label when no coordinates were taken) belong to one point.
public struct SurveyPoint: Hashable, Sendable {
    /// Where the samples were taken; a zone's representative point when only the zone is known.
    public var position: Point
    /// Whether the survey gave x,y (false: only a zone label, so no distance can be scored).
    public var hasCoordinates: Bool
    public var zone: String?
    /// Indices into the survey's samples.
    public var samples: [Int]
}
