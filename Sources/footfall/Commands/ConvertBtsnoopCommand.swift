import ArgumentParser
import Capture
import FootfallCore
import Logging

/// `footfall convert btsnoop FILE --sensor ID --out trace.csv`: every LE advertising report in
/// a snoop log becomes a trace line, stamped with the record's own time.
struct ConvertBtsnoopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "btsnoop",
        abstract: "Turn a btsnoop capture (datalink 1001, 1002 or 2001) into a trace."
    )

    @Argument(help: "The capture (.btsnoop, .log, .cfa).")
    var file: String

    @Option(help: "The sensor id the trace's lines carry.")
    var sensor: String

    @Option(help: "Where to write the trace (.csv).")
    var out: String

    @Option(name: .customLong("irk"), help: ArgumentHelp("An identity resolving key: name=32 hex digits (repeatable).", valueName: "name=key"))
    var irks: [String] = []

    func validate() throws {
        guard out.hasSuffix(".csv") else { throw ValidationError("--out must name a .csv file, e.g. trace.csv") }
        guard !sensor.isEmpty, !sensor.contains(",") else { throw ValidationError("--sensor must be a non-empty id without commas") }
        _ = try ScanCommand.resolver(irks)
    }

    func run() async throws {
        var logger = Logger(label: "footfall.convert", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let writer = try TraceWriter(path: out, columns: .full)
        let sink = TraceSink(writer: writer)
        let source = BtsnoopReplaySource(
            path: file, sensor: SensorID(sensor), resolver: try ScanCommand.resolver(irks), logger: logger, onObservation: sink.write
        )
        let summary: BtsnoopReplaySource.Summary
        do {
            summary = try await source.replay()
        } catch {
            // A record broken mid-file ends what can be read (btsnoop has no way to find the next
            // record), as a capture cut short does: what came before it is kept.
            guard case .badCapture(let file, let problem) = error, sink.count > 0 else { throw error }
            try writer.close()
            printError("warning: \(file): \(problem); the \(sink.count) observations before it are in \(out) (a capture damaged there: take it again, or convert what is kept)")
            return
        }
        try writer.close()
        print("converted \(file): \(summary.records) records, \(summary.advertisingReportEvents) advertising report events, \(summary.observations) observations in \(out)")
        if summary.undecodableEvents > 0, let first = summary.firstUndecodable {
            printError("warning: \(summary.undecodableEvents) advertising events could not be decoded and were left out (the first: \(AddressRedaction.redacted(first)))")
        }
        if summary.badTimes > 0, let first = summary.firstBadTime {
            printError("warning: \(summary.badTimes) records stamped with a time no capture has beside its neighbours were left out (the first: record \(first))")
        }
    }
}

/// The replay calls its handler from one task, in order; the writer is only used there.
private final class TraceSink: @unchecked Sendable {
    let writer: TraceWriter
    /// Observations written so far.
    private(set) var count = 0
    init(writer: TraceWriter) { self.writer = writer }
    var write: ObservationHandler {
        { observation in
            self.count += 1
            self.writer.write(observation)
        }
    }
}
