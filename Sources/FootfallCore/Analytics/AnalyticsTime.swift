import Foundation

/// The times the analytics accept for `from` and `to`: a UTC date (`2026-12-04`, its
/// midnight), an RFC 3339 time, or Unix seconds.
public enum AnalyticsTime {
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return seconds }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2 {
            // `RFC3339.parse` refuses a day its month does not have (2026-02-31).
            return RFC3339.parse("\(trimmed)T00:00:00Z")
        }
        return RFC3339.parse(trimmed)
    }

    public static let accepted = "a date (2026-12-04, UTC midnight), an RFC 3339 time (2026-12-04T09:00:00Z) or Unix seconds"
}
