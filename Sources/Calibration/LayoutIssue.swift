/// Something wrong or doubtful in a store's layout, found by `LayoutValidator`.
public struct LayoutIssue: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        /// The layout cannot work as configured: fix it.
        case error
        /// The layout works but positioning will suffer: check it.
        case warning
    }

    /// What an issue is about, by id, so the command line can find its line in store.yaml.
    public enum Subject: Hashable, Sendable {
        case store
        case zone(String)
        /// A sensor, by its id's text.
        case sensor(String)
    }

    public var severity: Severity
    /// What the issue is about: its line is found from it in the configuration file.
    public var subject: Subject
    /// The field's path, e.g. `zones[2].polygon`.
    public var field: String
    /// What is wrong and what to do, in one sentence.
    public var message: String

    public init(_ severity: Severity, _ subject: Subject, field: String, _ message: String) {
        self.severity = severity
        self.subject = subject
        self.field = field
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(field): \(message)" }
}
