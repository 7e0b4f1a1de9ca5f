import Foundation

/// The times the analytics accept for `from` and `to`: a UTC date (`2026-12-04`, its
/// midnight), an RFC 3339 time, or Unix seconds.
public enum AnalyticsTime {
    /// The latest time taken: the end of 9999 (Unix seconds).
    public static let latest = 253_402_300_799.0

    /// The time, from 1970 to 9999, or nil. Unix seconds are decimal digits with an optional
    /// fraction (not `0x10`, `1e9` or `inf`, which a number parser takes); a date's year is from
    /// 1970, so that no calendar before the Gregorian one is met.
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let value: Double?
        if isDecimal(trimmed) {
            value = Double(trimmed)
        } else {
            let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2 {
                // `RFC3339.parse` refuses a day its month does not have (2026-02-31).
                value = RFC3339.parse("\(trimmed)T00:00:00Z")
            } else {
                value = RFC3339.parse(trimmed)
            }
        }
        guard let value, value >= 0, value <= latest else { return nil }
        return value
    }

    /// Digits, then optionally a point and digits.
    static func isDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return !parts[0].isEmpty && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
    }

    public static let accepted = "a date (2026-12-04, UTC midnight), an RFC 3339 time (2026-12-04T09:00:00Z) or Unix seconds, from 1970 to 9999"
}
