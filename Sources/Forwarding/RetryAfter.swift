import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The delay it asks for, measured from `now` (wall-clock seconds); nil when unreadable.
    /// A date in the past asks for no delay.
    public static func parse(_ value: String, now: Double) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        guard let date = httpDate(text) else { return nil }
        let delta = max(0, date - now)
        return .milliseconds(Int64((delta * 1000).rounded(.up)))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete RFC 850 and asctime forms.
    static func httpDate(_ text: String) -> Double? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        }
        return nil
    }
}
