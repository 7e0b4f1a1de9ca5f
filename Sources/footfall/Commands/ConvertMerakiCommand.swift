import ArgumentParser
import FootfallCore
import Foundation
import Gateway
import WiFi

/// `footfall convert meraki FILE --out trace.csv`: Meraki Scanning API webhook bodies, one
/// JSON body a line (or a single body), as a trace with one row per access point reading.
struct ConvertMerakiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meraki",
        abstract: "Convert Meraki Scanning API v2/v3 webhook bodies (JSON lines) into a trace; access points become sensors."
    )

    @Argument(help: "The bodies: one JSON body a line (.jsonl), or one JSON body.")
    var file: String

    @Option(help: "Where to write the trace (.csv).")
    var out: String

    @Option(help: "The webhook's shared secret: bodies whose secret differs are refused.")
    var secret: String?

    func validate() throws {
        guard out.hasSuffix(".csv") else { throw ValidationError("--out must name a .csv file, e.g. trace.csv") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("\(file): cannot be read; check the path")
        }
        let bytes = [UInt8](data)
        // A file that is one JSON value (a pretty-printed body) is one body, its errors its own;
        // otherwise one body a line, named by its line.
        let bodies: [(line: Int?, bytes: ArraySlice<UInt8>)] = (try? JSONValue.parse(bytes)) != nil
            ? [(nil, bytes[...])]
            : bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
                .filter { $0.element.contains(where: { $0 > 0x20 }) }.map { ($0.offset + 1, $0.element) }
        let trace = try TraceWriter(path: out, columns: .full)
        var observations: [Observation] = []
        var skipped = 0, firstSkipped: String?, cut: Int?
        for (index, (line, body)) in bodies.enumerated() {
            let place = line.map { "\(file): line \($0)" } ?? file
            do {
                let report = try MerakiScanningReport(decoding: body, sharedSecret: secret)
                observations += report.observationsWithBeacons
                skipped += report.skippedClients
                if firstSkipped == nil, let first = report.firstSkipped { firstSkipped = "\(place): \(AddressRedaction.redacted(first.description))" }
            } catch {
                // The last line of a file that ends mid-body (a copy cut short) is a cut, as in a
                // capture: the bodies before it are kept. Anything else is refused, the trace
                // left as it was.
                if case .malformedJSON(let offset, _) = error, let line, index == bodies.count - 1, data.last != UInt8(ascii: "\n"),
                    offset >= body.count - 1
                {
                    cut = line
                    break
                }
                throw CommandFailure("\(place): \(AddressRedaction.redacted(error.description))")
            }
        }
        // A trace is in time order; bodies overlap in time.
        observations.sort { $0.time < $1.time }
        observations.forEach(trace.write)
        try trace.close()
        if let cut {
            printError("warning: \(file): line \(cut) ends with the file, mid-body (a copy cut short?); the trace holds the \(bodies.count - 1) bodies before it")
        }
        if skipped > 0, let firstSkipped {
            printError("warning: \(skipped) client\(skipped == 1 ? "" : "s") whose part of a body did not decode left out (the first: \(firstSkipped))")
        }
        print("\(file): \(bodies.count - (cut == nil ? 0 : 1)) bodies; \(observations.count) observations in \(out)")
    }
}
