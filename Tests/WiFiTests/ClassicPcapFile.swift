import Foundation
import NIOCore

/// A classic pcap file read whole, for tests of the pure decoders (the Capture module reads
/// captures through libpcap; this keeps WiFiTests free of it).
struct ClassicPcapFile {
    struct Record {
        var time: Double
        var bytes: ByteBuffer
    }

    var linkType: Int
    var records: [Record] = []

    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        func u32(_ offset: Int, bigEndian: Bool) -> UInt32 {
            let value = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            return bigEndian ? value.byteSwapped : value
        }
        let magic = u32(0, bigEndian: false)
        let (bigEndian, nanoseconds): (Bool, Bool)
        switch magic {
        case 0xA1B2_C3D4: (bigEndian, nanoseconds) = (false, false)
        case 0xD4C3_B2A1: (bigEndian, nanoseconds) = (true, false)
        case 0xA1B2_3C4D: (bigEndian, nanoseconds) = (false, true)
        case 0x4D3C_B2A1: (bigEndian, nanoseconds) = (true, true)
        default: throw CocoaError(.fileReadCorruptFile)
        }
        linkType = Int(u32(20, bigEndian: bigEndian) & 0x0FFF_FFFF)
        var offset = 24
        while offset + 16 <= bytes.count {
            let seconds = Double(u32(offset, bigEndian: bigEndian))
            let fraction = Double(u32(offset + 4, bigEndian: bigEndian)) / (nanoseconds ? 1e9 : 1e6)
            let length = Int(u32(offset + 8, bigEndian: bigEndian))
            offset += 16
            guard offset + length <= bytes.count else { break }
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            buffer.writeBytes(bytes[offset..<offset + length])
            records.append(Record(time: seconds + fraction, bytes: buffer))
            offset += length
        }
    }
}
