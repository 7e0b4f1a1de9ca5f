import NIOCore

/// Writes btsnoop files: for test vectors of every datalink and for saving captures.
public enum BtsnoopWriter {
    public static func header(datalink: BtsnoopDatalink, into buffer: inout ByteBuffer) {
        buffer.writeBytes(BtsnoopParser.magic)
        buffer.writeInteger(UInt32(1), endianness: .big)
        buffer.writeInteger(datalink.rawValue, endianness: .big)
    }

    /// One record; `time` in seconds since the Unix epoch.
    public static func record(_ data: [UInt8], flags: UInt32, time: Double, drops: UInt32 = 0, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(data.count), endianness: .big)
        buffer.writeInteger(UInt32(data.count), endianness: .big)
        buffer.writeInteger(flags, endianness: .big)
        buffer.writeInteger(drops, endianness: .big)
        let microseconds = Int64((time * 1_000_000).rounded()) + BtsnoopRecord.unixEpochMicroseconds
        buffer.writeInteger(microseconds, endianness: .big)
        buffer.writeBytes(data)
    }
}
