import ArgumentParser

@main
struct Footfall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footfall",
        abstract: "In-store presence and positioning: simulate, replay, calibrate and run a store's gateway.",
        subcommands: [
            SimulateCommand.self,
            SimulateSurveyCommand.self,
            ReplayCommand.self,
            ConvertCommand.self,
            RunCommand.self,
            StatusCommand.self,
            VisitsCommand.self,
            OutboxCommand.self,
            CalibrateCommand.self,
            ZonesCommand.self,
            ScanCommand.self,
        ]
    )
}

/// `footfall convert …`: other recordings into the project's trace, survey and store formats.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert captures and datasets into traces, surveys and store files.",
        subcommands: [
            ConvertPcapCommand.self,
            ConvertMerakiCommand.self,
            ConvertKolakowskiCommand.self,
            ConvertBtsnoopCommand.self,
        ]
    )
}
