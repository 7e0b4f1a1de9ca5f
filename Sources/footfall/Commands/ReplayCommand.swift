import ArgumentParser
import FootfallCore
import Foundation
import Gateway

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a trace through the pipeline at full speed, driven by the trace's own time."
    )

    @Argument(help: "The trace (.csv: time,sensor,device,rssi[,tx_power,radio,channel]).")
    var trace: String

    @OptionGroup var store: StoreOption

    @Option(help: "A survey (.csv) for the radio map and fitted path loss (default: the one fitted.yaml was fitted to, as `footfall run` uses).")
    var survey: String?

    @Flag(help: "Replay on the fitted path loss alone, without the survey fitted.yaml names.")
    var noSurvey = false

    @Option(help: "Ground truth (.csv: time,device,x,y[,zone]) to score against.")
    var truth: String?

    @Option(help: "Write every event as a JSON line here.")
    var events: String?

    @Option(help: "Write every position estimate here (time,device,x,y,uncertainty_m,zone).")
    var positions: String?

    @Option(help: "Write the store analytics (visitors, passers-by, dwell, zones, by hour; docs/analytics.md) here as JSON.")
    var analytics: String?

    @Option(help: "A gateway data directory: visit history and a random pseudonym key kept across replays. Without it the pseudonyms are keyed by the store id, the same on every run, and anyone who knows the store and guesses a device's id can recompute them: replay events to be shared with --data.")
    var data: String?

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        if survey != nil, noSurvey { throw ValidationError("--survey and --no-survey: give one of them") }
        // An output written over an input would replace the recording with what it gave.
        let inputs = [("the trace", trace), ("--survey", survey), ("--truth", truth)].compactMap { name, path in path.map { (name, Self.canonical($0)) } }
        for (option, output) in [("--events", events), ("--positions", positions), ("--analytics", analytics)] {
            guard let output else { continue }
            if let input = inputs.first(where: { $0.1 == Self.canonical(output) }) {
                throw ValidationError("\(option) \(output) is \(input.0): it would be overwritten; write to another file")
            }
        }
        // Two outputs to one file would interleave; /dev/null and other devices are no file.
        let outputs = [("--events", events), ("--positions", positions), ("--analytics", analytics)]
            .compactMap { name, path in path.map { (name, Self.canonical($0)) } }
            .filter { !Self.isDevice($0.1) }
        for (i, a) in outputs.enumerated() {
            if let b = outputs[(i + 1)...].first(where: { $0.1 == a.1 }) {
                throw ValidationError("\(a.0) and \(b.0) are the same file; give each its own")
            }
        }
    }

    /// Whether `path` is a character device (`/dev/null`, `/dev/stdout`), not a file.
    static func isDevice(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
    }

    /// `path` with every link followed, its folder's too when the file is not there yet (Linux's
    /// `resolvingSymlinksInPath` leaves a missing file's path as written, links and all).
    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }

    /// Refuses an output that would replace a file the store is made of — the store file, its
    /// fitted.yaml and the survey that names, its identity files — or anything in `--data` (the
    /// database, the key): replaced, they are gone, and the next run fails or starts afresh.
    func refuseOutputsOverTheStore(_ configuration: StoreConfiguration, survey surveyed: SurveyFile?) throws {
        var kept = [("the store file", configuration.file), ("its fitted.yaml", FittedPathLoss.path(besideConfiguration: configuration.file))]
        if let surveyed { kept.append(("the survey", surveyed.path)) }
        if let map = configuration.identity.identityMap { kept.append(("identity.identity_map", StoreConfiguration.path(map, writtenIn: configuration.file))) }
        if let keys = configuration.identity.identityKeys { kept.append(("identity.identity_keys", StoreConfiguration.path(keys, writtenIn: configuration.file))) }
        let protected = kept.map { ($0.0, Self.canonical($0.1)) }
        let dataFolder = data.map { Self.canonical($0) + "/" }
        for (option, output) in [("--events", events), ("--positions", positions), ("--analytics", analytics)] {
            guard let output, !Self.isDevice(output) else { continue }
            let path = Self.canonical(output)
            if let input = protected.first(where: { $0.1 == path }) {
                throw CommandFailure("\(option) \(output) is \(input.0): it would be overwritten; write to another file")
            }
            if let dataFolder, path.hasPrefix(dataFolder) {
                throw CommandFailure("\(option) \(output) is in the --data directory \(data!), which holds the gateway's database and key; write elsewhere")
            }
        }
    }

    func run() throws {
        let configuration = try store.load()
        var options = Replay.Options(tracePath: trace, configuration: configuration)
        var surveyed: SurveyFile?
        if let survey {
            // A survey of another store (its sensors, points kilometres out) would be silently
            // ignored by the radio map: refuse it with its line.
            surveyed = try SurveyFile.load(survey)
            try surveyed?.validate(against: configuration, forFitting: false)
        } else if !noSurvey {
            // As the daemon does: the survey fitted.yaml was fitted to.
            surveyed = try SurveyFile.fitted(configuration)
        }
        try refuseOutputsOverTheStore(configuration, survey: surveyed)
        options.survey = surveyed?.samples ?? []
        if let truth { options.truth = try SurveyCodec.readTruth(path: truth) }
        options.eventsPath = events
        options.positionsPath = positions
        options.analyticsPath = analytics
        options.customers = try IdentityMapLoader.customers(for: configuration)
        options.resolver = try IdentityMapLoader.resolver(for: configuration)
        // As a gateway's: one gateway or replay on a data directory at a time, locked before its
        // data is opened.
        let lock = try data.map { try DataDirectoryLock.acquire($0) }
        defer { withExtendedLifetime(lock) {} }
        if let data { options.gatewayData = try GatewayData(directory: data) }
        let started = Date()
        let result = try Replay.run(options)
        let elapsed = Date().timeIntervalSince(started)
        // Scored against nothing it placed: the truth of another trace, or of another span.
        if let truth, let report = result.report, report.positionError.count == 0, result.positions > 0 {
            printError("warning: no estimate of the trace lines up with \(truth) (none of its devices at its times): is it this trace's truth? Its figures score nothing")
        }
        if json {
            print(ReplaySummary.json(result, elapsed: elapsed))
            return
        }
        if let surveyed {
            print("radio map from the survey \(surveyed.path): \(Set(surveyed.samples.compactMap(\.point)).count) points\(survey == nil ? " (the one fitted.yaml was fitted to; --no-survey leaves it out)" : "")")
        }
        print(ReplaySummary.text(result, trace: trace, store: configuration.file, elapsed: elapsed))
        if let report = result.report { print(report.text()) }
    }
}
