import BLE
import Foundation
import NIOCore

// libFuzzer target for the BLE decoders: every input goes through each of them, and a crash,
// a trap or a sanitizer report is a bug. Built for fuzzing with
//   swift build -c release --scratch-path .build-fuzz --product BLEFuzz \
//     -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
//   .build-fuzz/release/BLEFuzz -max_total_time=60
// Built normally (as in `swift build`), it replays the files named on its command line, so a
// crash the fuzzer found can be rerun under the debugger.

func decodeEverything(_ bytes: UnsafeRawBufferPointer) {
    let buffer = ByteBuffer(bytes: bytes)
    _ = try? HCIEventDecoder.decode(buffer)
    var converter = ObservationConverter(sensor: "fuzz")
    try? converter.forEachObservation(inEvent: buffer, time: 0) { _ in }
    _ = try? AdvertisingData(parsing: buffer)
    _ = try? HCICommand.decode(buffer)
    _ = try? BtsnoopParser.records(in: buffer)
    var framer = H4FrameDecoder()
    framer.feed(buffer)
    while framer.next() != nil {}
}

#if FUZZING
/// libFuzzer's entry point for a program that keeps its own `main` (SwiftPM names the
/// executable's entry point `BLEFuzz_main` and links `main` to it).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("BLEFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        decodeEverything(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
struct BLEFuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            data.withUnsafeBytes { decodeEverything($0) }
            print("\(path): \(data.count) bytes decoded without a crash")
        }
    }
}
#endif
