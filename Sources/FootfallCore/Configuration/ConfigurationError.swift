/// A problem in a store configuration, located precisely enough to fix without searching:
/// `store.yaml:14:7: zones[2].polygon: crosses itself …; list the corners in order`.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The field's path, e.g. `zones[2].polygon`.
    public var field: String
    /// What is wrong and what to do, in one sentence.
    public var message: String

    public init(file: String, line: Int?, column: Int? = nil, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
