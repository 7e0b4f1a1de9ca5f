import FootfallCore
import Foundation
import Simulation

/// Builds simulator settings and writes a simulated trace and its truth to a temporary folder.
public enum StoreSimulatorSettings {
    public static func make(minutes: Double, shoppers: Double, seed: UInt64) -> StoreSimulator.Settings {
        var settings = StoreSimulator.Settings()
        settings.hours = minutes / 60
        settings.shoppersPerHour = shoppers
        settings.seed = seed
        return settings
    }

    public static func write(_ settings: StoreSimulator.Settings, layout: StoreLayout) throws -> (directory: URL, trace: String, truth: String) {
        let directory = Fixtures.temporaryDirectory("simulated")
        let trace = directory.appendingPathComponent("trace.csv").path
        let truth = directory.appendingPathComponent("trace.truth.csv").path
        let writer = try TraceWriter(path: trace, columns: .full)
        let truthSink = try TextSink(path: truth)
        truthSink.write(SurveyCodec.simulatedTruthHeader)
        StoreSimulator(layout: layout, settings: settings).run(observation: { writer.write($0) }, truth: { truthSink.write(SurveyCodec.truthLine($0, withPerson: true)) })
        try writer.close()
        try truthSink.close()
        return (directory, trace, truth)
    }
}
