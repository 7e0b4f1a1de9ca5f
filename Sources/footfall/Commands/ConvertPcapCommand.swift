import ArgumentParser
import Capture
import FootfallCore
import Foundation

/// `footfall convert pcap FILE --sensor ID --out trace.csv`: Wi-Fi probe requests of a
/// monitor-mode capture as a trace.
struct ConvertPcapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pcap",
        abstract: "Convert the Wi-Fi probe requests of a pcap or pcapng capture (radiotap or AVS) into a trace."
    )

    @Argument(help: "The capture (.pcap or .pcapng), link type 127 (radiotap) or 163 (AVS).")
    var file: String

    @Option(help: "The id of the sensor that captured it, as in store.yaml.")
    var sensor: String

    @Option(help: "Where to write the trace (.csv).")
    var out: String

    func validate() throws {
        guard !sensor.isEmpty else { throw ValidationError("--sensor must name the capturing sensor, e.g. --sensor s1") }
        guard out.hasSuffix(".csv") else { throw ValidationError("--out must name a .csv file, e.g. trace.csv") }
    }

    func run() throws {
        let reader = try WiFiObservationReader(capture: try PcapCapture.file(file), sensor: SensorID(sensor))
        let trace = try TraceWriter(path: out, columns: .full)
        while case .observation(let observation) = try reader.next() {
            trace.write(observation)
        }
        try trace.close()
        print("\(file): \(reader.summary); \(reader.summary.observations) observations in \(out)")
    }
}
