import ArgumentParser
import Foundation
import Gateway

@main
struct Footfall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footfall",
        abstract: "In-store presence and positioning: simulate, replay, calibrate and run a store's gateway.",
        version: BuildInfo.version,
        subcommands: [
            SimulateCommand.self,
            SimulateSurveyCommand.self,
            ReplayCommand.self,
            ConvertCommand.self,
            RunCommand.self,
            StatusCommand.self,
            VisitsCommand.self,
            ReportCommand.self,
            OutboxCommand.self,
            CalibrateCommand.self,
            ZonesCommand.self,
            ScanCommand.self,
            InitCommand.self,
        ]
    )

    /// Runs the command line as ArgumentParser does, except that a mistake in the arguments is
    /// one line on standard error, naming the option and where to read about it, instead of the
    /// message followed by the whole usage line.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Help and version requests print as usual; a command that already said what went
            // wrong throws a bare exit code.
            guard exitCode(for: error) != .success, !Self.message(for: error).isEmpty else { exit(withError: error) }
            printError(oneLineMessage(for: error))
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }

    /// `Error: <what is wrong> (see 'footfall <command> --help')`: the hint only for mistakes in
    /// the arguments, where ArgumentParser would have printed the usage.
    static func oneLineMessage(for error: any Error) -> String {
        let message = Self.message(for: error).split(separator: "\n").joined(separator: "; ")
        // ArgumentParser's usage ends with "  See 'footfall simulate --help' for more information."
        let helpCommand = fullMessage(for: error).split(separator: "\n")
            .first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("See '") }?
            .split(separator: "'", omittingEmptySubsequences: false).dropFirst().first
        guard let helpCommand else { return "Error: \(message)" }
        return "Error: \(message) (see '\(helpCommand)')"
    }
}
