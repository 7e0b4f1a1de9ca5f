import ArgumentParser
import FootfallCore
import Foundation
import Gateway
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the store's gateway: sources, pipeline, visit history, delivery and the HTTP API."
    )

    @Option(help: "The store configuration, e.g. calibration/demo-store/store.yaml.")
    var config: String

    @Option(help: "The data directory: database (visit history, outbox) and the pseudonym key.")
    var data: String = ".footfall"

    @Option(help: "Listen on host:port instead of the configuration's api.listen.")
    var listen: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Check the configuration as run would (API, sources, sinks or upstream, identity files, positioning) and exit, starting nothing and leaving the data directory alone.")
    var check = false

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        let configuration = try StoreConfiguration.loadChecked(path: config)
        var options = GatewayDaemon.Options(configuration: configuration, dataDirectory: data)
        options.survey = try SurveyFile.fitted(configuration)?.samples ?? []
        if let listen {
            var api = StoreConfiguration.APISettings()
            api.listen = listen
            guard let hostAndPort = api.hostAndPort else { throw ValidationError("--listen '\(listen)' is not host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080") }
            options.listen = hostAndPort
        }
        // Under the service, lines the journal files by their priority (`journalctl -p warning`),
        // from every logger of the process.
        if JournalLogHandler.standardOutputIsTheJournal() { LoggingSystem.bootstrap { JournalLogHandler(label: $0) } }
        var logger = Logger(label: "footfall")
        logger.logLevel = level
        let daemon = GatewayDaemon(options: options, logger: logger)
        if check {
            print(try daemon.check())
            return
        }
        try await daemon.run()
    }
}
