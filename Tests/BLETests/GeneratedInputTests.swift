import BLE
import FootfallTesting
import NIOCore
import Testing

/// Random and truncated packets never crash the decoders: they decode or throw. Deterministic
/// seed, so a failure is reproducible.
@Suite struct GeneratedInputTests {
    static let seeds: [[UInt8]] = [
        ExtendedAdvertisingReportTests.event(eventType: 0xFF13, data: [0x02, 0x01, 0x06, 0x1A, 0xFF, 0x4C, 0x00, 0x02, 0x15] + Array(repeating: 0x42, count: 21)),
        [0x3E, 0x0C, 0x02, 0x01, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 0x00, 0xB5],
        [0x3E, 0x12, 0x0B, 0x01, 0x01, 0x01, 1, 2, 3, 4, 5, 0x46, 0x01, 9, 8, 7, 6, 5, 0x44, 0xB0],
        [0x0E, 0x04, 0x01, 0x03, 0x0C, 0x00],
        [0x0F, 0x04, 0x00, 0x01, 0x0B, 0x20],
    ]

    @Test func oneHundredThousandRandomAndTruncatedPacketsNeverCrash() async {
        var random = SplitMix64(seed: 0xF007_FA11)
        var converter = ObservationConverter(sensor: "fuzz")
        var decoded = 0
        var h4 = H4FrameDecoder()
        await onAThreadOfItsOwn {
            for round in 0..<100_000 {
                var bytes: [UInt8]
                switch round % 4 {
                case 0: // pure noise with a plausible header
                    bytes = [[0x3E, 0x0E, 0x0F, 0x10][Int(random.next() % 4)], UInt8(random.next() % 64)]
                    bytes += (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                case 1: // a real packet truncated
                    let seed = Self.seeds[Int(random.next() % UInt64(Self.seeds.count))]
                    bytes = Array(seed.prefix(Int(random.next() % UInt64(seed.count + 1))))
                default: // a real packet with a few bytes flipped
                    bytes = Self.seeds[Int(random.next() % UInt64(Self.seeds.count))]
                    for _ in 0...Int(random.next() % 4) {
                        bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                    }
                }
                let buffer = ByteBuffer(bytes: bytes)
                if let event = try? HCIEventDecoder.decode(buffer) {
                    decoded += 1
                    if case .leMeta(.extendedAdvertisingReports(let reports)) = event {
                        for report in reports { _ = try? AdvertisingData(parsing: report.data) }
                    }
                }
                try? converter.forEachObservation(inEvent: buffer, time: 0) { _ in }
                _ = try? BtsnoopParser.records(in: buffer)
                h4.feed([0x04] + bytes)
                while h4.next() != nil {}
            }
        }
        #expect(decoded > 1_000)
    }

    @Test func everyPrefixOfEveryVectorEitherDecodesOrThrows() {
        for seed in Self.seeds {
            for length in 0...seed.count {
                _ = try? HCIEventDecoder.decode(ByteBuffer(bytes: seed.prefix(length)))
            }
        }
    }
}
