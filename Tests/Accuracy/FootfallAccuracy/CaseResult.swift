import Calibration

/// One row of the benchmark: the locator and every baseline on the same truth samples.
struct CaseResult: Sendable {
    var name: String
    /// How the case was built and split, for docs/accuracy.md.
    var notes: String
    var locator: ErrorSummary
    var baselines: [Baselines.Method: ErrorSummary]
    var reportedZoneAccuracy: Double?
    var containingZoneAccuracy: Double?
    /// Where the truth has people who never came in (the simulated stores' passers-by), the
    /// visits as `AccuracyScorer` scores them: the share of passers-by the pipeline counted as
    /// visitors and the visits that overlap no true one — what the position columns, scored
    /// only inside, do not show of a locator that places people inside too readily — beside the
    /// true visits, those detected and those missed; and the median time from a true entry to
    /// its decision.
    var visits: AccuracyReport.Visits?
    var entryDelay: Double?
    /// Seconds the recording took to run (shared by its variants).
    var seconds: Double

    /// The locator must beat the bar's median by this factor (issue #15: "at least 15 % below").
    static let medianFactor = 0.85

    var samples: Int { locator.count }

    /// The baseline with the lowest median (then the lower p90, then the order methods are listed in).
    var bar: (method: Baselines.Method, errors: ErrorSummary)? {
        Baselines.allMethods.compactMap { m in baselines[m].map { (m, $0) } }.min { a, b in
            (a.1.median, a.1.p90) < (b.1.median, b.1.p90)
        }
    }

    /// Median at least 15 % below the bar's and p90 no higher.
    var passes: Bool {
        guard let bar else { return true }
        return locator.median <= Self.medianFactor * bar.errors.median && locator.p90 <= bar.errors.p90
    }

    /// The reported zone right at least as often as the zone containing the estimate; nil
    /// where no zones are scored.
    var zonesPass: Bool? {
        guard let reported = reportedZoneAccuracy, let containing = containingZoneAccuracy else { return nil }
        return reported >= containing
    }

    /// The best window of each kind of baseline, for the case's paragraph: chosen as the bar is,
    /// ties going to the window listed first (not to the dictionary's order, which changes from
    /// run to run).
    var bestOfEachKind: [(method: Baselines.Method, errors: ErrorSummary)] {
        Baselines.Kind.allCases.compactMap { kind in
            Baselines.allMethods.filter { $0.kind == kind }.compactMap { m in baselines[m].map { (method: m, errors: $0) } }
                .min { ($0.errors.median, $0.errors.p90) < ($1.errors.median, $1.errors.p90) }
        }
    }
}
