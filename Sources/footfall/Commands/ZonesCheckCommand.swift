import ArgumentParser
import Calibration
import FootfallCore
import Foundation

struct ZonesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the layout: every problem with its file and line; exits non-zero on errors.",
        discussion: "Errors (the configuration cannot be used) stop the check; warnings (overlapping zones, sensors too close together, zones no sensor covers well) are listed and exit 0. The layout only: `footfall run --config F --check` checks the rest as the daemon would (sources, sinks, identity files)."
    )

    @OptionGroup var store: StoreOption

    func run() throws {
        // A store file that cannot be read fails as every command's does: one line on standard
        // error, so `zones check > report.txt` still shows it.
        let configuration = try store.load()
        let issues = LayoutValidator().issues(in: configuration.layout)
        let lines = YAMLLines(path: configuration.file)
        for issue in issues {
            let line = lines.line(of: issue.subject, field: issue.field).map { ":\($0)" } ?? ""
            print("\(configuration.file)\(line): \(issue.severity.rawValue): \(issue.field): \(issue.message)")
        }
        let layout = configuration.layout
        let errors = issues.filter { $0.severity == .error }.count
        let warnings = issues.count - errors
        print("\(layout.id): \(layout.zones.count) zones, \(layout.sensors.count) sensors, \(String(format: "%.0f", layout.outline.area)) m²; \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(1) }
    }
}

/// Finds the line where a zone or a sensor is declared in a store.yaml, for messages.
struct YAMLLines {
    let lines: [Substring]

    init(path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        lines = text.textLines
    }

    func line(of subject: LayoutIssue.Subject, field: String = "") -> Int? {
        switch subject {
        case .store:
            // A store-wide issue about its zones or sensors is on that section's line, when it
            // has one (no zones at all: the store's).
            for section in ["zones", "sensors"] where field == section {
                if let found = line(section: section + ":", id: nil) { return found }
            }
            return line(section: "store:", id: nil)
        case .zone(let id): return line(section: "zones:", id: id)
        case .sensor(let id): return line(section: "sensors:", id: id)
        }
    }

    /// The line of `id: <id>` after the top-level `section`, or of the section itself.
    func line(section: String, id: String?) -> Int? {
        guard let start = lines.firstIndex(where: { $0.hasPrefix(section) }) else { return nil }
        guard let id else { return start + 1 }
        for index in lines.indices where index > start {
            let line = lines[index]
            if let first = line.first, !first.isWhitespace, first != "-", first != "#" { break }
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            guard trimmed.hasPrefix("id:") else { continue }
            let value = trimmed.dropFirst(3).split(separator: "#").first?.trimmingCharacters(in: .whitespaces) ?? ""
            if value == id || value == "\"\(id)\"" || value == "'\(id)'" { return index + 1 }
        }
        return start + 1
    }
}
