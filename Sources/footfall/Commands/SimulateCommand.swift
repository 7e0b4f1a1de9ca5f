import ArgumentParser
import FootfallCore
import Foundation
import Simulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate shoppers, passers-by and staff in a store and write the trace with its ground truth."
    )

    @OptionGroup var store: StoreOption

    @Option(parsing: .unconditional, help: "Hours of store time to simulate.")
    var hours: Double = 1

    @Option(name: .customLong("shoppers-per-hour"), parsing: .unconditional, help: "Mean arrival rate of shoppers (a Poisson process).")
    var shoppersPerHour: Double = 300

    @Option(parsing: .unconditional, help: "Random seed: the same seed gives the same trace (a whole number from 0 to 18446744073709551615).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Staff who stay all day.")
    var staff: Int = 3

    @Option(help: "Where to write the trace; the truth goes beside it as <name>.truth.csv.")
    var out: String

    @Flag(help: "No progress bar.")
    var quiet = false

    @OptionGroup var radio: RadioOptions

    /// The most shoppers one run simulates: planning them all takes about 2 KB each, and their
    /// trace about 1 MB each over a visit.
    static let mostShoppers = 100_000

    func validate() throws {
        guard hours > 0, hours <= 24 * 7 else { throw ValidationError("--hours must be more than 0 and at most a week (168)") }
        let most = StoreSimulator.Settings.mostPeople
        guard shoppersPerHour >= 0, shoppersPerHour <= Double(most) else {
            throw ValidationError("--shoppers-per-hour must be between 0 and \(most), found \(shoppersPerHour)")
        }
        guard staff >= 0, staff <= most else { throw ValidationError("--staff must be between 0 and \(most), found \(staff)") }
        // Each bound alone let a week at 10,000 an hour through: 1.7 million shoppers, gigabytes
        // of memory to plan them and hundreds of gigabytes of trace.
        guard hours * shoppersPerHour <= Double(Self.mostShoppers) else {
            throw ValidationError("--hours × --shoppers-per-hour is \(Int((hours * shoppersPerHour).rounded())) shoppers; at most \(Self.mostShoppers) are simulated in one run (a week at about 595 an hour): split a long run into several")
        }
        guard out.hasSuffix(".csv") else { throw ValidationError("--out must name a .csv file, e.g. trace.csv") }
    }

    func run() throws {
        // The store file's own radio, not a fitted.yaml beside it: the same seed gives the same
        // world before and after a `calibrate fit` (audit: each fit fed the next simulation, and
        // a trace made from the fitted models was scored by them).
        let configuration = try store.load(fitted: false)
        var settings = StoreSimulator.Settings()
        settings.hours = hours
        settings.shoppersPerHour = shoppersPerHour
        settings.seed = seed
        settings.staff = staff
        radio.apply(to: &settings.radio)
        let simulator = StoreSimulator(layout: configuration.layout, settings: settings)
        let truthPath = Self.truthPath(for: out)
        let trace = try TraceWriter(path: out, columns: .full)
        let truth = try TextSink(path: truthPath)
        truth.write(SurveyCodec.simulatedTruthHeader)
        var observations = 0, samples = 0
        var bar = ProgressBar(label: "simulating", enabled: !quiet && standardErrorIsTerminal)
        simulator.run(
            observation: { trace.write($0); observations += 1 },
            truth: { sample in
                truth.write(SurveyCodec.truthLine(sample, withPerson: true))
                samples += 1
            },
            progress: { bar.update($0) })
        try trace.close()
        try truth.close()
        let shoppers = simulator.people.filter { $0.role == .shopper }.count
        let passers = simulator.people.filter { $0.role == .passerBy }.count
        print("simulated \(hours) h of \(configuration.layout.id): \(shoppers) shoppers, \(passers) passers-by, \(staff) staff; \(observations) observations in \(out), \(samples) truth samples in \(truthPath)")
    }

    static func truthPath(for trace: String) -> String {
        String(trace.dropLast(4)) + ".truth.csv"
    }
}
