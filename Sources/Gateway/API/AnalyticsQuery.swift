import FootfallCore

/// The query of `GET /api/analytics` and `footfall report` (docs/api.md): a range and a bucket,
/// checked, each error naming the parameter and what it takes.
public struct AnalyticsQuery: Hashable, Sendable {
    public var from: Double
    public var to: Double
    public var bucket: AnalyticsSummary.Bucket

    /// Hour buckets cover at most this range (s): 31 days is 744 of them.
    public static let longestHourly = 31 * 86_400.0

    public struct Invalid: Error, CustomStringConvertible {
        /// The parameter at fault, as the caller named it (`from`, `to`, `bucket`).
        public var parameter: String
        public var problem: String
        public var description: String { "\(parameter): \(problem)" }
    }

    /// `from` defaults to six days before `to`'s day, `to` to the end of `now`'s UTC day, so the
    /// default is the last seven days; `bucket` to `hour` for up to two days, `day` beyond. The
    /// range is widened to whole buckets (`from` down to its bucket's start, `to` up to its end).
    public init(from: String?, to: String?, bucket: String?, now: Double) throws {
        let day = 86_400.0
        func time(_ text: String?, _ name: String) throws -> Double? {
            guard let text else { return nil }
            guard let value = AnalyticsTime.parse(text) else {
                throw Invalid(parameter: name, problem: "\(Self.shown(text)) is not a time; give \(AnalyticsTime.accepted)")
            }
            return value
        }
        let end = try time(to, "to") ?? ((now / day).rounded(.down) + 1) * day
        let start = try time(from, "from") ?? ((end / day).rounded(.up) - 7) * day
        // A range's fault is the bound the caller gave: `to` when both were given.
        let blamed = to == nil && from != nil ? "from" : "to"
        guard end > start else {
            throw Invalid(
                parameter: blamed,
                problem: blamed == "from" ? "\(RFC3339.string(start)) is not before to (\(RFC3339.string(end)), the end of today by default)"
                    : "\(RFC3339.string(end)) is not after from (\(RFC3339.string(start)))")
        }
        let chosen: AnalyticsSummary.Bucket
        if let bucket {
            guard let parsed = AnalyticsSummary.Bucket(rawValue: bucket) else {
                throw Invalid(parameter: "bucket", problem: "\(Self.shown(bucket)) is not hour or day")
            }
            chosen = parsed
        } else {
            chosen = end - start <= 2 * day ? .hour : .day
        }
        // Whole buckets: the counts are kept by quarter hour (by day once compacted), so a
        // bucket begun at 10:30 would be labelled 10:00 and count only part of it. The limits
        // hold for the range counted, widened.
        let first = (start / chosen.seconds).rounded(.down) * chosen.seconds
        let last = (end / chosen.seconds).rounded(.up) * chosen.seconds
        guard last - first <= AnalyticsSummary.longestRange else {
            throw Invalid(parameter: blamed, problem: "the range is over \(Int(AnalyticsSummary.longestRange / day)) days in whole buckets; ask for a shorter one")
        }
        guard chosen == .day || last - first <= Self.longestHourly else {
            throw Invalid(parameter: "bucket", problem: "hour buckets cover at most \(Int(Self.longestHourly / day)) days in whole hours; ask for bucket=day or a shorter range")
        }
        self.from = first
        self.to = last
        self.bucket = chosen
    }

    /// A parameter's text as an error quotes it: whole when short, else only its length.
    static func shown(_ text: String) -> String {
        text.count <= 40 ? "'\(text)'" : "a value of \(text.count) characters"
    }
}
