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
        // A capture cut short (a full disk, a capture stopped mid-write) ends in a packet that
        // cannot be read whole: what came before it is kept, as for a cut btsnoop log.
        var cut: (any Error)?
        do {
            while case .observation(let observation) = try reader.next() {
                trace.write(observation)
            }
        } catch {
            guard reader.summary.packets > 0 else { throw error }
            cut = error
        }
        try trace.close()
        if let cut {
            FileHandle.standardError.write(Data(
                "warning: \(cut) after packet \(reader.summary.packets); the capture was cut short, and the \(reader.summary.packets) packets before the cut are converted\n".utf8))
        }
        print("\(file): \(reader.summary); \(reader.summary.observations) observations in \(out)")
    }
}
