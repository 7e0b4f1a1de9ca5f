import ArgumentParser
import Calibration
import FootfallCore
import Foundation
import Positioning
import Simulation

/// `make accuracy`: the locator beside the simple baselines on every real dataset and a matrix
/// of simulated stores, plus the demo store's presence targets (issue #15). A measurement: it
/// exits 0 when a case fails unless `--require-pass` is given.
@main
struct FootfallAccuracy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "FootfallAccuracy",
        abstract: "Measure the locator against nearest-sensor, centroid and kNN baselines on real and simulated stores.",
        discussion: "Prints a table; with --markdown and --svg also writes docs/accuracy.md and its error distributions."
    )

    @Option(help: "The folder holding the datasets (ble-flat-kolakowski, ble-uji-library-office).")
    var datasets = "../shared/datasets"

    @Option(help: "The demo store's file, for the presence targets.")
    var demoStore = "calibration/demo-store/store.yaml"

    @Option(help: "Write the report as Markdown here (e.g. docs/accuracy.md).")
    var markdown: String?

    @Option(help: "Write the error distributions as SVG here (e.g. docs/accuracy.svg).")
    var svg: String?

    @Option(help: "Write each case's samples here, one CSV per case: truth, the locator's estimate and the bar's, their errors and zones.")
    var errors: String?

    @Flag(help: "Give the simulated stores' files each sensor's true path loss (as `calibrate fit` writes it from a survey) instead of none: what knowing the receivers is worth.")
    var statedPathLoss = false

    @Option(help: ArgumentHelp(
        "Give the simulated stores' files each sensor's true level at this distance (m) with the default exponent: what gains learnt perfectly would be worth.",
        valueName: "metres"))
    var statedGainsAt: Double?

    @Option(help: ArgumentHelp(
        "Give every case's file this `presence.enter_after` (s) instead of its own: how long a device must be inside to be counted as a visitor, and so how many passers-by are.",
        valueName: "seconds"))
    var enterAfter: Double?

    @Flag(help: "Survey the simulated stores' pavement too (`footfall simulate-survey --pavement`): two rows before the storefront. The kNN baseline then fingerprints the pavement as well, so the bars move.")
    var pavementSurvey = false

    @Option(help: ArgumentHelp(
        "Make every real recording's device this many dB weaker (negative: louder), readings below the weakest recorded left out: a tag or phone of another transmit power, which a new store's devices may be. Surveys stay as recorded, as one made with another phone would.",
        valueName: "dB"))
    var weakerDevices: Double = 0

    @Option(help: ArgumentHelp(
        "Keep one reading in this many of every real recording, at random: receivers that scan part of the time, or a tag advertising less often into a busy band, which a new store's hardware may be. Surveys stay as recorded.",
        valueName: "n"))
    var keepEvery = 1

    @Option(help: ArgumentHelp(
        "Let each sensor of every real recording report each device at most every this many seconds, each at its own rhythm: an ESPresense node's gating, or a gateway that rate-limits its uplink. Surveys stay as recorded.",
        valueName: "seconds"))
    var reportEvery = 0.0

    @Option(
        name: .customLong("without-sensor"),
        help: ArgumentHelp(
            "Leave this sensor out of every real recording that has it (repeatable): its file, its readings and its survey, as a store with fewer receivers would be. The bars are the baselines' on the sensors left.",
            valueName: "id"))
    var withoutSensors: [String] = []

    @Option(help: ArgumentHelp(
        "Simulate every store (the matrix and the demo store) with this loss on every packet from a phone outside it, behind the storefront's glass or wall (`footfall simulate --storefront-loss`); 0 by default, no wall.",
        valueName: "dB"))
    var storefrontLoss = 0.0

    @Option(help: "Minutes each simulated store runs (20 for the table in docs/accuracy.md).")
    var minutes = SimulatedStoreMatrix.minutes

    @Option(name: .customLong("only"), help: "Run only the cases whose name contains this (repeatable; 'demo' for the presence targets).")
    var only: [String] = []

    @Option(help: "Cases run at once (the machine's cores are shared: 2 at most is kind).")
    var jobs = 2

    @Flag(help: "Exit 1 when any case or target fails.")
    var requirePass = false

    @Option(
        name: .customLong("set"),
        help: "A positioning setting for every case, as a store file's `positioning:` line (NAME=VALUE, repeatable): one setting measured on all the cases at once.")
    var set: [String] = []

    /// The `--set` settings by name.
    var settings: [String: StoreConfiguration.Setting] {
        get throws {
            var settings: [String: StoreConfiguration.Setting] = [:]
            for pair in set {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ValidationError("--set \(pair): expected NAME=VALUE, e.g. --set rssi_noise=6")
                }
                settings[parts[0]] = Double(parts[1]).map { StoreConfiguration.Setting($0) } ?? StoreConfiguration.Setting(text: parts[1])
            }
            return settings
        }
    }

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if statedPathLoss, statedGainsAt != nil { throw ValidationError("--stated-path-loss and --stated-gains-at: give one of them") }
        if let d = statedGainsAt, !(d >= 0.1 && d <= 100) { throw ValidationError("--stated-gains-at \(d): give a distance between 0.1 and 100 m") }
        if let e = enterAfter, !(e >= 0 && e <= 3600) { throw ValidationError("--enter-after \(e): give a number of seconds between 0 and 3600") }
        guard reportEvery >= 0, reportEvery <= 600 else { throw ValidationError("--report-every \(reportEvery): give a number of seconds from 0 to 600") }
        guard keepEvery >= 1, keepEvery <= 1000 else { throw ValidationError("--keep-every \(keepEvery): give a whole number from 1 to 1000") }
        guard abs(weakerDevices) <= 60 else { throw ValidationError("--weaker-devices \(weakerDevices): give a number of dB between -60 and 60") }
        guard storefrontLoss >= 0, storefrontLoss <= 40 else { throw ValidationError("--storefront-loss \(storefrontLoss): give a number of dB from 0 to 40") }
        guard minutes >= 1, minutes <= 24 * 60 else { throw ValidationError("--minutes \(minutes): give a number of minutes between 1 and 1440") }
        do {
            _ = try PositioningConfiguration(settings: try settings, file: "--set")
        } catch let error as ConfigurationError {
            throw ValidationError("\(error)")
        }
    }

    /// The store's file with the `--set` settings over its own.
    func applyingSettings(to configuration: StoreConfiguration) throws -> StoreConfiguration {
        var configuration = configuration
        configuration.positioning.merge(try settings) { _, new in new }
        if let enterAfter { configuration.presence.enterAfter = enterAfter }
        return configuration
    }

    /// What the simulated stores' files state of their sensors' path loss.
    var stating: SimulatedStoreMatrix.Stating {
        if statedPathLoss { return .truePathLoss }
        return statedGainsAt.map { .gainAt($0) } ?? .nothing
    }

    /// The simulated stores' radio: the simulator's, with `--storefront-loss`.
    var radio: RadioModel.Parameters {
        var radio = RadioModel.Parameters()
        radio.storefrontLoss = storefrontLoss
        return radio
    }

    func selected(_ name: String) -> Bool { only.isEmpty || only.contains { name.contains($0) } }

    enum Job: Sendable {
        case recording(Int, Recording)
        case presence(Double, StoreConfiguration)
        /// The demo store's hour on receivers that differ, through the file a user would write.
        case differing(StoreConfiguration, truth: StoreLayout)

        var label: String {
            switch self {
            case .recording(_, let r): r.variants.map(\.name).joined(separator: " / ")
            case .presence(let hours, _): "demo store, \(SVGDocument.number(hours)) h"
            case .differing: "demo store, receivers that differ, 1 h"
            }
        }
    }

    enum Outcome: Sendable {
        case cases(Int, [CaseResult])
        case presence(Double, PresenceTargets.Run)
        case differing(PresenceTargets.Run)
        case failed(String)
    }

    func run() async throws {
        let started = Date()
        var info = RunInfo.current(arguments: CommandLine.arguments)
        var skipped: [String] = []
        var recordings: [Recording] = []
        var recordedSensors: Set<SensorID> = []
        let dropped = Set(withoutSensors.map { SensorID($0) })
        for make in [KolakowskiRecordings.make, UJIRecordings.make] {
            do {
                let made = try make(datasets)
                for recording in made { recordedSensors.formUnion(recording.configuration.layout.sensors.map(\.id)) }
                recordings += made.map { $0.weakened(by: weakerDevices).thinned(keepingEvery: keepEvery).gated(reportingEvery: reportEvery).without(sensors: dropped) }
            } catch {
                // A dataset that is absent (or broken) costs its rows, not the run.
                skipped.append("\(error)")
                note("skipped: \(error)")
            }
        }
        if let unknown = dropped.subtracting(recordedSensors).map(\.rawValue).sorted().first, !recordedSensors.isEmpty {
            let known = recordedSensors.map(\.rawValue).sorted().prefix(12).joined(separator: ", ")
            throw ValidationError("--without-sensor \(unknown): no real recording has a sensor of that id; theirs are \(known)\(recordedSensors.count > 12 ? ", …" : "")")
        }
        recordings += try SimulatedStoreMatrix.stores.map { try SimulatedStoreMatrix.recording($0, stating: stating, minutes: minutes, pavement: pavementSurvey ? StoreSimulator.SurveySettings.pavementRows : [], radio: radio) }
        recordings = recordings.compactMap { recording in
            var r = recording
            r.variants = r.variants.filter { selected($0.name) }
            return r.variants.isEmpty ? nil : r
        }
        for i in recordings.indices { recordings[i].configuration = try applyingSettings(to: recordings[i].configuration) }
        var jobs = recordings.enumerated().map { Job.recording($0.offset, $0.element) }
        if selected("demo store") {
            do {
                let demo = try applyingSettings(to: StoreConfiguration.load(path: demoStore))
                // The longest first, so the two cores stay busy to the end.
                let differing = PresenceTargets.differingReceivers(demo)
                jobs.insert(contentsOf: [Job.presence(3, demo), Job.differing(differing.user, truth: differing.truth), Job.presence(1, demo)], at: 0)
            } catch {
                skipped.append("demo store: \(error)")
                note("skipped: demo store: \(error)")
            }
        }

        var cases: [Int: [CaseResult]] = [:]
        var runs: [Double: PresenceTargets.Run] = [:]
        var differing: PresenceTargets.Run?
        let total = jobs.count
        var done = 0
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var pending = jobs[...]
            func start() {
                guard let job = pending.popFirst() else { return }
                note("running \(job.label)")
                let errors = self.errors, radio = self.radio
                group.addTask { Self.perform(job, errors: errors, radio: radio) }
            }
            for _ in 0..<self.jobs { start() }
            while let outcome = try await group.next() {
                done += 1
                switch outcome {
                case .cases(let index, let results):
                    cases[index] = results
                    for c in results {
                        note("[\(done)/\(total)] \(c.name): \(c.samples) samples, locator \(AccuracyTable.pair(c.locator)) m, bar \(c.bar.map { "\($0.method) \(AccuracyTable.pair($0.errors))" } ?? "–") m, \(c.passes ? "pass" : "FAIL") (\(String(format: "%.1f", c.seconds)) s)")
                    }
                case .presence(let hours, let run):
                    runs[hours] = run
                    note("[\(done)/\(total)] demo store, \(SVGDocument.number(hours)) h: \(run.observations) observations, \(String(format: "%.1f", run.seconds)) s")
                case .differing(let run):
                    differing = run
                    note("[\(done)/\(total)] demo store, receivers that differ, 1 h: \(run.observations) observations, \(String(format: "%.1f", run.seconds)) s")
                case .failed(let message):
                    skipped.append(message)
                    note("[\(done)/\(total)] failed: \(message)")
                }
                start()
            }
        }

        info.seconds = Date().timeIntervalSince(started)
        let table = AccuracyTable(
            cases: cases.keys.sorted().flatMap { cases[$0]! },
            targets: PresenceTargets.targets(hour: runs[1], threeHours: runs[3], differing: differing), skipped: skipped, run: info)
        print(table.text, terminator: "")
        if let svg { try write(table.svg, to: svg) }
        if let markdown { try write(table.markdown(svgLink: svg.map { Self.link(from: markdown, to: $0) }), to: markdown) }
        if requirePass, table.failures > 0 {
            note("\(table.failures) of the cases and targets failed (--require-pass)")
            throw ExitCode(1)
        }
    }

    static func perform(_ job: Job, errors: String?, radio: RadioModel.Parameters) -> Outcome {
        do {
            switch job {
            case .recording(let index, let recording): return .cases(index, try RecordingRunner.run(recording, errors: errors))
            case .presence(let hours, let configuration): return .presence(hours, try PresenceTargets.run(configuration: configuration, hours: hours, radio: radio))
            case .differing(let configuration, let truth):
                return .differing(try PresenceTargets.run(configuration: configuration, hours: 1, simulatedOn: truth, radio: radio))
            }
        } catch {
            return .failed("\(job.label): \(error)")
        }
    }

    /// The SVG as the Markdown file links it: relative to the Markdown file's folder.
    static func link(from markdown: String, to svg: String) -> String {
        let folder = URL(fileURLWithPath: markdown).deletingLastPathComponent().standardizedFileURL.path
        let target = URL(fileURLWithPath: svg).standardizedFileURL.path
        return target.hasPrefix(folder + "/") ? String(target.dropFirst(folder.count + 1)) : target
    }

    func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        note("wrote \(path)")
    }
}

/// Progress goes to standard error, so standard output is the table alone.
func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
