import ArgumentParser

/// `footfall convert …`: other recordings into the project's trace, survey and store formats.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert captures and datasets into traces, surveys and store files.",
        subcommands: [
            ConvertPcapCommand.self,
            ConvertMerakiCommand.self,
            ConvertKolakowskiCommand.self,
            ConvertUJICommand.self,
            ConvertBtsnoopCommand.self,
            ConvertMQTTCommand.self,
        ]
    )
}
