import Foundation

/// Small capture files written by the tests: classic pcap and pcapng with one link type.
enum PcapTestFiles {
    static func littleEndian32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func littleEndian16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    /// Classic pcap, little-endian, microsecond timestamps.
    /// `originalLengths`: a packet's own length where the capture cut it (by index).
    static func classic(
        linkType: UInt32, packets: [(seconds: UInt32, microseconds: UInt32, bytes: [UInt8])], originalLengths: [Int: Int] = [:]
    ) -> [UInt8] {
        var file = littleEndian32(0xA1B2_C3D4) + littleEndian16(2) + littleEndian16(4)
        file += littleEndian32(0) + littleEndian32(0) + littleEndian32(65535) + littleEndian32(linkType)
        for (index, packet) in packets.enumerated() {
            file += littleEndian32(packet.seconds) + littleEndian32(packet.microseconds)
            file += littleEndian32(UInt32(packet.bytes.count)) + littleEndian32(UInt32(originalLengths[index] ?? packet.bytes.count)) + packet.bytes
        }
        return file
    }

    /// pcapng: a Section Header Block, one Interface Description Block, Enhanced Packet
    /// Blocks with microsecond timestamps (the default if_tsresol).
    static func pcapng(linkType: UInt16, packets: [(microseconds: UInt64, bytes: [UInt8])]) -> [UInt8] {
        func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
            let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
            let length = UInt32(12 + padded.count)
            return littleEndian32(type) + littleEndian32(length) + padded + littleEndian32(length)
        }
        var file = block(0x0A0D_0D0A, littleEndian32(0x1A2B_3C4D) + littleEndian16(1) + littleEndian16(0) + [UInt8](repeating: 0xFF, count: 8))
        file += block(0x0000_0001, littleEndian16(linkType) + littleEndian16(0) + littleEndian32(0))
        for packet in packets {
            var body = littleEndian32(0)
            body += littleEndian32(UInt32(packet.microseconds >> 32)) + littleEndian32(UInt32(packet.microseconds & 0xFFFF_FFFF))
            body += littleEndian32(UInt32(packet.bytes.count)) + littleEndian32(UInt32(packet.bytes.count))
            body += packet.bytes + [UInt8](repeating: 0, count: (4 - packet.bytes.count % 4) % 4)
            file += block(0x0000_0006, body)
        }
        return file
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-pcap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A radiotap probe request: 14-byte ESP32 radiotap header (2437 MHz, `signal`), then the frame.
    static func probeRequest(signal: Int8, source: [UInt8] = [0x84, 0x16, 0xF9, 0xF2, 0xDA, 0x8B]) -> [UInt8] {
        [0x00, 0x00, 0x0E, 0x00, 0x28, 0x08, 0x00, 0x00, 0x85, 0x09, 0x80, 0x00, UInt8(bitPattern: signal), 0x00]
            + bareProbeRequest(source: source)
    }

    static func bareProbeRequest(source: [UInt8] = [0x84, 0x16, 0xF9, 0xF2, 0xDA, 0x8B]) -> [UInt8] {
        [0x40, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + source
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x50, 0x4D, 0x00, 0x00, 0x01, 0x02, 0x02, 0x04]
    }
}
