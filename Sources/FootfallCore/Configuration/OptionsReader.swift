import Foundation

/// The one way a `key: value` entry of the store file is read: a source's or a sink's options
/// (`sources:`, `sinks:`), each value typed and checked, every error a `ConfigurationError`
/// that names the file, the option's own line and the field (`sources[hci].adapter`,
/// `sinks[0].timeout_ms`). The `positioning:` section shares its flag words and its errors.
public struct OptionsReader: Sendable {
    public let component: StoreConfiguration.ComponentSettings
    /// The entry's field path, e.g. `sources[hci]` or `sinks[0]`.
    public let field: String
    /// The store file, for messages and for resolving relative paths.
    public let file: String

    public init(_ component: StoreConfiguration.ComponentSettings, field: String, file: String) {
        self.component = component
        self.field = field
        self.file = file
    }

    /// A source's options: its fields are named by its type, `sources[hci].sensor`.
    public static func source(_ component: StoreConfiguration.ComponentSettings, file: String) -> OptionsReader {
        OptionsReader(component, field: "sources[\(component.type)]", file: file)
    }

    /// The error for `option` (the entry itself when empty), on the line the option is written.
    public func error(field option: String, _ message: String) -> ConfigurationError {
        ConfigurationError(
            file: file, line: component.optionLine(option), field: option.isEmpty ? field : "\(field).\(option)", message: message)
    }

    public func string(_ name: String) -> String? { component.options[name] }

    /// A text that must be there.
    public func required(_ name: String, _ missing: String) throws(ConfigurationError) -> String {
        guard let text = component.options[name], !text.isEmpty else { throw error(field: name, "is missing; \(missing)") }
        return text
    }

    /// A non-negative number.
    public func double(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = component.options[name] else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else { throw error(field: name, "'\(text)' is not a non-negative number") }
        return value
    }

    /// A whole number within `range`, `value` when the option is not given.
    public func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = component.options[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw error(field: name, "'\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    public func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let text = component.options[name] else { return nil }
        guard let flag = Self.flag(text) else { throw error(field: name, "'\(text)' is not true or false") }
        return flag
    }

    /// One of an enumeration's words; `unknown` says what to use instead of `text`.
    public func choice<Choice: RawRepresentable>(
        _ name: String, as type: Choice.Type, unknown: (_ text: String) -> String
    ) throws(ConfigurationError) -> Choice? where Choice.RawValue == String {
        guard let text = component.options[name] else { return nil }
        guard let choice = Choice(rawValue: text) else { throw error(field: name, unknown(text)) }
        return choice
    }

    /// The entry's `type:`, as one of `Kind`'s words.
    public func kind<Kind: RawRepresentable>(as kind: Kind.Type, unknown: (_ text: String) -> String) throws(ConfigurationError) -> Kind
    where Kind.RawValue == String {
        guard let kind = Kind(rawValue: component.type) else { throw error(field: "type", unknown(component.type)) }
        return kind
    }

    /// A path written relative to the store file (`StoreConfiguration.path(_:writtenIn:)`), if given.
    public func relativePath(_ name: String) -> String? {
        component.options[name].map { StoreConfiguration.path($0, writtenIn: file) }
    }

    /// A file that must exist, relative to the store file.
    public func path(_ name: String) throws(ConfigurationError) -> String {
        guard let path = relativePath(name) else { throw error(field: name, "is missing; give the file's path") }
        guard FileManager.default.fileExists(atPath: path) else { throw error(field: name, "\(path) does not exist") }
        return path
    }

    /// The `sensor:` a capture source stands for: one of the layout's sensors.
    public func sensor(in layout: StoreLayout) throws(ConfigurationError) -> SensorID {
        let names = layout.sensors.map(\.id.rawValue).joined(separator: ", ")
        guard let text = component.options["sensor"] else {
            throw error(field: "sensor", "is missing; name the sensor this radio is, one of \(names)")
        }
        guard layout.sensor(SensorID(text)) != nil else {
            throw error(field: "sensor", "'\(text)' is not a sensor of the store; use one of \(names)")
        }
        return SensorID(text)
    }

    /// Refuses an option (or a mapping) not in `known`, in name order so the first error does
    /// not depend on hashing; `message` says what the known ones are.
    public func rejectUnknown(_ known: some Collection<String>, message: ((_ option: String) -> String)? = nil) throws(ConfigurationError) {
        for key in Set(component.options.keys).union(component.mappings.keys).sorted() where !known.contains(key) {
            throw error(field: key, message?(key) ?? "unknown option; expected one of \(known.joined(separator: ", "))")
        }
    }

    /// A flag's words, as YAML 1.1 spells them; nil for anything else.
    public static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }
}
