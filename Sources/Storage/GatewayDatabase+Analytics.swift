import FootfallCore

/// The store analytics' intent methods (docs/analytics.md): counts only, no identity.
extension GatewayDatabase {
    /// Adds a tally's counts to what is stored.
    public func addAnalytics(_ tally: AnalyticsTally) throws {
        try write { try AnalyticsStore.add(tally, in: $0) }
    }

    /// The counts of intervals that start in [from, to), oldest first.
    public func analyticsCounts(from: Double, to: Double) throws -> [AnalyticsCount] {
        try read { try AnalyticsStore.counts(from: from, to: to, in: $0) }
    }

    /// The same, read off the caller's thread (the API's handlers run on the cooperative pool).
    public func analyticsCounts(from: Double, to: Double) async throws -> [AnalyticsCount] {
        try await writer.read { try AnalyticsStore.counts(from: from, to: to, in: $0) }
    }

    /// Deletes the counts of intervals that ended before `cutoff` (the retention period);
    /// returns how many rows went.
    @discardableResult
    public func pruneAnalytics(endedBefore cutoff: Double) throws -> Int {
        try write { try AnalyticsStore.prune(endedBefore: cutoff, in: $0) }
    }
}
