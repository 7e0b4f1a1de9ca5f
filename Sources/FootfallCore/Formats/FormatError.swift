/// A problem in a trace, survey or truth file: `trace.csv:12:17: rssi: 'abc' is not a number …`.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the whole file (it cannot be opened, created or written).
    public var line: Int
    public var column: Int?
    public var field: String
    public var message: String

    /// The message quotes refused values; any address among them is masked
    /// (`AddressRedaction`), since the error reaches logs and statuses.
    public init(file: String, line: Int, column: Int? = nil, field: String = "", message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = Self.printable(AddressRedaction.redacted(message))
    }

    /// Control characters quoted from a binary file (an escape, a NUL) shown as `\u{1B}`, not
    /// sent to the terminal, where they would garble the line or drive it.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public var description: String {
        var location = line > 0 ? "\(file):\(line)" : file
        if let column { location += ":\(column)" }
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
