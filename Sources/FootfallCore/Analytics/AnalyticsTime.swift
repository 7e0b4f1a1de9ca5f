import Foundation

/// The times the analytics accept for `from` and `to`: a UTC date (`2026-12-04`, its
/// midnight), an RFC 3339 time, or Unix seconds.
public enum AnalyticsTime {
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return seconds }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
           let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
           (1...12).contains(month), (1...31).contains(day)
        {
            return RFC3339.parse(String(format: "%04d-%02d-%02dT00:00:00Z", year, month, day))
        }
        return RFC3339.parse(trimmed)
    }

    public static let accepted = "a date (2026-12-04, UTC midnight), an RFC 3339 time (2026-12-04T09:00:00Z) or Unix seconds"
}
