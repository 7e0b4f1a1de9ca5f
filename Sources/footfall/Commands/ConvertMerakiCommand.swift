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
        // A file holding one pretty-printed body is one body; otherwise one body a line.
        let bodies: [ArraySlice<UInt8>] = (try? MerakiScanningReport(decoding: bytes, sharedSecret: nil)) != nil
            ? [bytes[...]]
            : bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        let trace = try TraceWriter(path: out, columns: .full)
        var observations: [Observation] = []
        for (index, body) in bodies.enumerated() where body.contains(where: { $0 > 0x20 }) {
            do {
                observations += try MerakiScanningReport(decoding: body, sharedSecret: secret).observationsWithBeacons
            } catch {
                throw CommandFailure("\(file): body \(index + 1): \(error)")
            }
        }
        // A trace is in time order; bodies overlap in time.
        observations.sort { $0.time < $1.time }
        observations.forEach(trace.write)
        try trace.close()
        print("\(file): \(bodies.count) bodies; \(observations.count) observations in \(out)")
    }
}
