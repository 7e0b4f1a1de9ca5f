import FootfallCore
import Foundation
import Testing

/// The one reader of a source's or sink's options: each error names the file, the option's own
/// line and the field.
@Suite struct OptionsReaderTests {
    static let component = StoreConfiguration.ComponentSettings(
        type: "trace", options: ["speed": "fast", "loop": "maybe", "batch_size": "0", "fsync": "sometimes", "colour": "red", "path": "t.csv"],
        line: 40, optionLines: ["speed": 41, "loop": 42, "batch_size": 43, "fsync": 44, "colour": 45, "path": 46])
    static let options = OptionsReader.source(component, file: "/etc/footfall/store.yaml")

    enum Fsync: String { case always, batch, never }
    enum Kind: String { case trace, simulate }

    @Test func aBadValueNamesTheFileTheOptionsOwnLineAndTheField() {
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 41, field: "sources[trace].speed", message: "'fast' is not a non-negative number")
        ) { try Self.options.double("speed") }
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 42, field: "sources[trace].loop", message: "'maybe' is not true or false")
        ) { try Self.options.bool("loop") }
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 43, field: "sources[trace].batch_size", message: "'0' is not a whole number in 1...100")
        ) { try Self.options.integer("batch_size", default: 5, range: 1...100) }
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 44, field: "sources[trace].fsync", message: "'sometimes' is no policy")
        ) { try Self.options.choice("fsync", as: Fsync.self) { "'\($0)' is no policy" } }
    }

    @Test func aMissingOptionIsReportedOnTheEntrysLineAndAnAbsentNumberTakesItsDefault() throws {
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 40, field: "sources[trace].url", message: "is missing; say where")
        ) { try Self.options.required("url", "say where") }
        #expect(try Self.options.integer("timeout_ms", default: 7, range: 1...9) == 7)
    }

    @Test func anUnknownOptionIsTheFirstByNameWithTheKnownOnesListed() {
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 43, field: "sources[trace].batch_size",
            message: "unknown option; expected one of path, speed, loop")
        ) { try Self.options.rejectUnknown(["path", "speed", "loop"]) }
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 45, field: "sources[trace].colour", message: "no colour here")
        ) { try Self.options.rejectUnknown(["path", "speed", "loop", "batch_size", "fsync"]) { "no \($0) here" } }
    }

    @Test func theTypeIsReadAsAKindAndPathsAreRelativeToTheStoreFile() throws {
        #expect(try Self.options.kind(as: Kind.self) { "'\($0)' is unknown" } == .trace)
        let other = OptionsReader(.init(type: "kafka", line: 9), field: "sinks[2]", file: "store.yaml")
        #expect(throws: ConfigurationError(file: "store.yaml", line: 9, field: "sinks[2].type", message: "'kafka' is unknown")) {
            try other.kind(as: Kind.self) { "'\($0)' is unknown" }
        }
        #expect(Self.options.relativePath("path") == "/etc/footfall/t.csv")
        #expect(throws: ConfigurationError(
            file: "/etc/footfall/store.yaml", line: 46, field: "sources[trace].path", message: "/etc/footfall/t.csv does not exist")
        ) { try Self.options.path("path") }
    }

    @Test func flagsAreYAMLsWordsForTrueAndFalse() {
        #expect(["true", "Yes", "ON"].map(OptionsReader.flag) == [true, true, true])
        #expect(["false", "no", "Off"].map(OptionsReader.flag) == [false, false, false])
        #expect(OptionsReader.flag("1") == nil)
    }
}
