import ArgumentParser
import FootfallCore
import Foundation
import Positioning
import Simulation

/// `footfall simulate-survey`: the calibration survey a surveyor would take of a simulated
/// store, to replay simulated traces with `--survey` as a calibrated store.
struct SimulateSurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-survey",
        abstract: "Simulate a calibration survey (a known phone held at grid points) of a store and write it as a survey .csv."
    )

    @OptionGroup var store: StoreOption

    @Option(parsing: .unconditional, help: "Distance between reference points, metres.")
    var spacing: Double = 2.5

    @Option(parsing: .unconditional, help: "Seconds the surveyor stands at each point.")
    var dwell: Double = 20

    @Option(parsing: .unconditional, help: "Random seed: use the trace's seed, so that the survey sees the same store (its shadowing).")
    var seed: UInt64 = 1

    @Option(help: "Where to write the survey (time,sensor,device,rssi,x,y,zone).")
    var out: String

    @Flag(help: "Survey the pavement too: two rows of points 1.5 and 4 m out along each wall with an entrance, 5 m past its corners.")
    var pavement = false

    @OptionGroup var radio: RadioOptions

    func validate() throws {
        guard spacing >= 0.5 else { throw ValidationError("--spacing must be at least 0.5 m") }
        // An hour at a point is more than any survey stands (and every reading is kept in memory).
        guard dwell >= 1, dwell <= 3_600 else { throw ValidationError("--dwell must be from 1 to 3600 seconds, found \(dwell)") }
        guard spacing <= 1_000 else { throw ValidationError("--spacing must be at most 1000 m, found \(spacing)") }
        guard out.hasSuffix(".csv") else { throw ValidationError("--out must name a .csv file, e.g. survey.csv") }
    }

    func run() throws {
        // The store file's own radio, not a fitted.yaml beside it: the same seed gives the same
        // world before and after a `calibrate fit` (audit: each fit fed the next simulation, and
        // a trace made from the fitted models was scored by them).
        let configuration = try store.load(fitted: false)
        var settings = StoreSimulator.Settings()
        settings.seed = seed
        settings.hours = 0
        settings.shoppersPerHour = 0
        settings.staff = 0
        radio.apply(to: &settings.radio)
        let simulator = StoreSimulator(layout: configuration.layout, settings: settings)
        var survey = StoreSimulator.SurveySettings()
        survey.spacing = spacing
        survey.dwell = dwell
        if pavement { survey.pavement = StoreSimulator.SurveySettings.pavementRows }
        let samples = simulator.survey(survey)
        try SurveyCodec.surveyText(samples).write(toFile: out, atomically: true, encoding: .utf8)
        let points = Set(samples.compactMap(\.point))
        let street = points.filter { !Street.isOnFloor($0, layout: configuration.layout) }.count
        print("simulated a survey of \(configuration.layout.id): \(points.count) points \(spacing) m apart\(pavement ? " (\(street) of them on the pavement)" : ""), \(samples.count) readings in \(out)")
    }
}
