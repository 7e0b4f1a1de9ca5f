/// The distribution of one method's position errors over a case's truth samples. A sample
/// the method could not place (no estimate yet, no reading in its window) counts as an
/// infinitely large error rather than being left out, so a method cannot look better by
/// staying silent where it is unsure; a p90 can therefore be infinite.
public struct ErrorSummary: Hashable, Sendable {
    /// Every error, ascending (infinite ones last).
    public let sorted: [Double]
    public var count: Int { sorted.count }
    /// Samples with no position at all.
    public var unlocated: Int { sorted.count - (sorted.firstIndex { !$0.isFinite } ?? sorted.count) }
    public var median: Double { Self.percentile(sorted, 0.5) }
    public var p90: Double { Self.percentile(sorted, 0.9) }

    public init(_ errors: [Double]) {
        sorted = errors.map { $0.isNaN ? .infinity : $0 }.sorted()
    }

    /// The `q` quantile by linear interpolation between the closest ranks (numpy's default);
    /// infinite where the interpolation reaches an infinite error, NaN for no samples.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = q * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = min(low + 1, sorted.count - 1)
        let fraction = rank - Double(low)
        // ∞ · 0 is NaN: a rank that falls exactly on a finite error is that error.
        guard fraction > 0 else { return sorted[low] }
        guard sorted[low].isFinite, sorted[high].isFinite else { return .infinity }
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
}
