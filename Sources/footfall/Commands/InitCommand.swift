import ArgumentParser
import Calibration
import FootfallCore
import Foundation

/// `footfall init --store DIR`: a new store's store.yaml from its id, its floor's size, its doors
/// and its sensors — asked for, or given as options — with random API and sensor tokens, checked
/// as `footfall zones check` checks it before it is written.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new store's store.yaml: its id, floor size, entrances and sensors, with random API and sensor tokens.",
        discussion: """
            What is not given as an option is asked for, one answer a line (a script may pipe the answers in). \
            The file is written readable by its owner and group only (it holds the tokens); in /etc/footfall, \
            the package's folder, that group is the footfall service's. Next: add the store's zones and this \
            gateway's sources, `footfall zones check`, calibrate, `systemctl enable --now footfall`.
            """
    )

    @Option(help: "The store's folder (created if missing) or the store.yaml to write, e.g. /etc/footfall.")
    var store: String

    @Option(help: "The store's id, carried by every event, e.g. corner-shop.")
    var id: String?

    @Option(help: "The floor's width along the street and its depth, metres, e.g. 40x25.")
    var size: String?

    @Option(name: .customLong("entrance"), help: "A door: x,y on the outline, e.g. 20,0. Repeat for each door.")
    var entrances: [String] = []

    @Option(name: .customLong("sensor"), help: "A sensor: [id=]x,y,height in metres, e.g. s1=5,6,2.8. Repeat for each.")
    var sensors: [String] = []

    @Option(help: "This gateway's id in events (default: <id>-gateway-1).")
    var gateway: String?

    @Option(help: "The API's host:port; 0.0.0.0:8080 lets sensor gateways in from the network.")
    var listen: String = "127.0.0.1:8080"

    @Flag(help: "Replace an existing store.yaml (its tokens change).")
    var force = false

    var path: String {
        store.hasSuffix(".yaml") || store.hasSuffix(".yml") ? store : (store as NSString).appendingPathComponent("store.yaml")
    }

    /// Every option given is checked before any question is asked, so its mistake is reported
    /// as an option's, with where to read about it.
    func validate() throws {
        _ = try InitAnswers.listen(listen)
        if let gateway { _ = try InitAnswers.id(gateway, option: "--gateway", example: "corner-shop-gateway-1") }
        if let id { _ = try InitAnswers.id(id, option: "--id", example: "corner-shop") }
        guard let size else { return }
        let (width, depth) = try InitAnswers.size(size)
        for entrance in entrances { _ = try InitAnswers.entrance(entrance, width: width, depth: depth) }
        var taken: [String] = []
        for sensor in sensors { taken.append(try InitAnswers.sensor(sensor, width: width, depth: depth, taken: taken).id) }
    }

    func run() throws {
        // Before any question: an answer typed for a file that cannot be written is wasted.
        if FileManager.default.fileExists(atPath: path), !force {
            throw CommandFailure("\(path) exists; pass --force to replace it (its API and sensor tokens change), or give another --store")
        }
        let draft = try answers()
        let text = draft.yaml
        // The reader's checks, before anything is written: a draft it refused would be a bug here.
        _ = try StoreConfiguration.parse(yaml: text, file: path)
        try PrivateFile.write(text, to: path)
        let configuration = try StoreConfiguration.loadChecked(path: path)
        let issues = LayoutValidator().issues(in: configuration.layout)
        let errors = issues.filter { $0.severity == .error }.count
        let warnings = issues.count - errors
        print("wrote \(path): \(draft.id), \(StoreDraft.number(draft.width)) x \(StoreDraft.number(draft.depth)) m, \(count(draft.entrances.count, "entrance")), \(count(draft.sensors.count, "sensor")); \(count(errors, "error")), \(count(warnings, "warning")) (footfall zones check --store \(Self.shellWord(store)))")
        // The package's service reads /etc/footfall/store.yaml; anywhere else it is run by hand.
        let start = (path as NSString).standardizingPath == "/etc/footfall/store.yaml" ? "systemctl enable --now footfall" : "footfall run --config \(Self.shellWord(path))"
        print("next: add the store's zones and this gateway's sources to it (docs/configuration.md), calibrate (calibration/README.md), then \(start)")
        if errors > 0 { throw ExitCode(1) }
    }

    /// `text` as one word of a shell command to paste: quoted where it holds anything but
    /// letters, digits and `-_./:@+,=`.
    static func shellWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./:@+,=".unicodeScalars.contains($0)) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// The options given, and answers to questions for the rest.
    func answers() throws -> StoreDraft {
        let prompter = Prompter(command: "footfall init")
        let storeID = try id.map { try InitAnswers.id($0, option: "--id", example: "corner-shop") }
            ?? prompter.ask("Store id (e.g. corner-shop)", option: "--id", example: "corner-shop") {
                try InitAnswers.id($0, option: "--id", example: "corner-shop")
            }
        let (width, depth) = try size.map(InitAnswers.size)
            ?? prompter.ask("Floor size, width along the street x depth in metres (e.g. 40x25)", option: "--size", example: "40x25", parse: InitAnswers.size)
        let example = InitAnswers.example(width: width, depth: depth)
        let doors: [Point] = entrances.isEmpty
            ? try prompter.askList({ "Entrance \($0): x,y on the outline (e.g. \(example); blank when done)" }, option: "--entrance", example: example, minimum: 1) { text, _ in
                try InitAnswers.entrance(text, width: width, depth: depth)
            }
            : try entrances.map { try InitAnswers.entrance($0, width: width, depth: depth) }
        var placements: [StoreDraft.SensorPlacement] = []
        if sensors.isEmpty {
            placements = try prompter.askList({ "Sensor \($0): [id=]x,y,height in metres (e.g. 5,6,2.8; blank when done)" }, option: "--sensor", example: "s1=5,6,2.8", minimum: 1) { text, taken in
                try InitAnswers.sensor(text, width: width, depth: depth, taken: taken.map(\.id))
            }
        } else {
            for text in sensors {
                placements.append(try InitAnswers.sensor(text, width: width, depth: depth, taken: placements.map(\.id)))
            }
        }
        var random = SystemRandomNumberGenerator()
        return StoreDraft(
            id: storeID, gateway: gateway, width: width, depth: depth, entrances: doors, sensors: placements, listen: listen,
            apiToken: Self.token(&random), sensorTokens: placements.map { _ in Self.token(&random) })
    }

    /// 128 random bits in hex: a bearer token nobody guesses.
    static func token(_ random: inout some RandomNumberGenerator) -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
    }

}
