import FootfallTesting
import NIOCore
import Testing
@testable import WiFi

@Suite struct GeneratedFrameTests {
    /// Random bytes, truncated real-shaped frames and mutated ones: each decodes or throws an
    /// error whose offset lies inside the packet; none crashes.
    @Test func hundredThousandRandomAndTruncatedFramesNeverCrash() async {
        var random = SplitMix64(seed: 0x466F_6F74_6661_6C6C)  // "Footfall"
        let valid: [[UInt8]] = [
            FrameVectors.esp32Radiotap() + FrameVectors.probeRequest(),
            [0x00, 0x00, 0x1E, 0x00, 0x2A, 0x40, 0x00, 0xA0, 0x20, 0x08, 0x00, 0xA0, 0x20, 0x08, 0x00, 0x00,
             0x10, 0x00, 0x99, 0x09, 0xA0, 0x00, 0xC4, 0x00, 0x00, 0x00, 0xC2, 0x00, 0xBF, 0x01] + FrameVectors.probeRequest() + [1, 2, 3, 4],
            [0x00, 0x00, 0x1F, 0x00, 0x22, 0x00, 0x00, 0xC0, 0x07, 0x00, 0x00, 0xA0, 0x20, 0x08, 0x00, 0x00,
             0x00, 0xB5, 0x00, 0x11, 0x22, 0x01, 0x05, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x99, 0xB0, 0x03] + FrameVectors.probeRequest(),
        ]
        var decoded = 0
        var rejected = 0
        await onAThreadOfItsOwn {
            for round in 0..<100_000 {
                var bytes: [UInt8]
                switch round % 4 {
                case 0:
                    bytes = (0..<Int.random(in: 0...96, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    if bytes.count >= 8, Bool.random(using: &random) {
                        bytes[0] = 0                                    // look like radiotap more often
                        bytes[2] = UInt8(Int.random(in: 8...min(255, bytes.count), using: &random))
                        bytes[3] = 0
                    }
                case 1:
                    let source = valid[Int.random(in: 0..<valid.count, using: &random)]
                    bytes = Array(source.prefix(Int.random(in: 0...source.count, using: &random)))
                default:
                    bytes = valid[Int.random(in: 0..<valid.count, using: &random)]
                    for _ in 0..<Int.random(in: 1...6, using: &random) {
                        bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                    }
                }
                let linkType = round % 16 == 3 ? WiFiLinkType.ieee80211 : (round % 16 == 7 ? .avs : .radiotap)
                do throws(WiFiDecodingError) {
                    let packet = try WiFiPacket(decoding: bytes, linkType: linkType)
                    decoded += 1
                    if let probe = packet.probeRequest {
                        _ = probe.ssids
                        _ = probe.elements.ids
                        _ = try? probe.elements.validate()
                    }
                    if case .management(let frame) = packet.frame, let elements = frame.elements {
                        _ = elements.ids
                    }
                    _ = try? packet.observation(time: 0, sensor: "fuzz")
                } catch {
                    rejected += 1
                    #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error) for \(bytes)")
                }
            }
        }
        print("generated frames: \(decoded) decoded, \(rejected) rejected with an error")
        #expect(decoded + rejected == 100_000)
        #expect(decoded > 0 && rejected > 0)
    }
}
