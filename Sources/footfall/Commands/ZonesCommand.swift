import ArgumentParser
import Calibration
import FootfallCore
import Foundation

/// `footfall zones …`: check and draw a store's layout.
struct ZonesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zones",
        abstract: "Check a store's layout and draw it to scale.",
        subcommands: [ZonesCheckCommand.self, ZonesRenderCommand.self]
    )
}

struct ZonesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the layout: every problem with its file and line; exits non-zero on errors.",
        discussion: "Errors (the configuration cannot be used) stop the check; warnings (overlapping zones, sensors too close together, zones no sensor covers well) are listed and exit 0."
    )

    @OptionGroup var store: StoreOption

    func run() throws {
        let configuration: StoreConfiguration
        do {
            configuration = try store.load()
        } catch let error as ConfigurationError {
            print("error: \(error)")
            throw ExitCode(1)
        }
        let issues = LayoutValidator().issues(in: configuration.layout)
        let lines = YAMLLines(path: configuration.file)
        for issue in issues {
            let line = lines.line(of: issue.subject).map { ":\($0)" } ?? ""
            print("\(configuration.file)\(line): \(issue.severity.rawValue): \(issue.field): \(issue.message)")
        }
        let layout = configuration.layout
        let errors = issues.filter { $0.severity == .error }.count
        let warnings = issues.count - errors
        print("\(layout.id): \(layout.zones.count) zones, \(layout.sensors.count) sensors, \(String(format: "%.0f", layout.outline.area)) m²; \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(1) }
    }
}

struct ZonesRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw the outline, zones, sensors and entrances to scale as an SVG, with a metre grid and a scale bar."
    )

    @OptionGroup var store: StoreOption

    @Option(help: "Where to write the SVG.")
    var out: String

    func validate() throws {
        guard out.hasSuffix(".svg") else { throw ValidationError("--out must name an .svg file, e.g. layout.svg") }
    }

    func run() throws {
        let configuration = try store.load()
        let svg = LayoutRenderer(layout: configuration.layout).render()
        try writeText(svg, to: out)
        print("wrote \(out): \(configuration.layout.zones.count) zones, \(configuration.layout.sensors.count) sensors")
    }
}

/// Finds the line where a zone or a sensor is declared in a store.yaml, for messages.
struct YAMLLines {
    let lines: [Substring]

    init(path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func line(of subject: LayoutIssue.Subject) -> Int? {
        switch subject {
        case .store: return line(section: "store:", id: nil)
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

/// Writes text to a file, creating its folder; a failure says which file.
func writeText(_ text: String, to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw CommandFailure("cannot write \(path): \(error.localizedDescription); check the folder exists and is writable")
    }
}
