import NIOCore

/// Reads a btsnoop file incrementally: feed bytes as they are read, take records as they
/// complete. Pure: the file is opened by whoever feeds it. Errors give the file offset.
public struct BtsnoopParser: Sendable {
    public private(set) var datalink: BtsnoopDatalink?
    public private(set) var version: UInt32?
    private var buffer = ByteBuffer()
    /// File offset of the buffer's first readable byte.
    private var fileOffset = 0
    private var recordCount = 0

    /// Largest record accepted; anything bigger means the file is corrupt.
    public static let maximumRecordLength = 1 << 20

    static let magic: [UInt8] = Array("btsnoop\0".utf8)

    public init() {}

    public mutating func feed(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// Bytes fed but not yet consumed; non-zero at end of file means a truncated last record.
    public var pendingBytes: Int { buffer.readableBytes }

    /// The next record, or nil when more bytes are needed.
    public mutating func next() throws(HCIDecodingError) -> BtsnoopRecord? {
        defer { if buffer.readerIndex > 65_536 { buffer.discardReadBytes() } }
        if datalink == nil {
            guard buffer.readableBytes >= 16 else { return nil }
            guard buffer.getBytes(at: buffer.readerIndex, length: 8)! == Self.magic else {
                throw HCIDecodingError(context: "btsnoop header", message: "identification pattern is not \"btsnoop\\0\"", offset: 0)
            }
            let version = buffer.getInteger(at: buffer.readerIndex + 8, endianness: .big, as: UInt32.self)!
            guard version == 1 else {
                throw HCIDecodingError(context: "btsnoop header", message: "version \(version) is not 1", offset: 8)
            }
            let raw = buffer.getInteger(at: buffer.readerIndex + 12, endianness: .big, as: UInt32.self)!
            guard let datalink = BtsnoopDatalink(rawValue: raw) else {
                throw HCIDecodingError(context: "btsnoop header", message: "datalink type \(raw) is not one of 1001, 1002, 1003, 1004, 2001", offset: 12)
            }
            // Their records are BCSP or three-wire UART frames, which are not read: taken, every
            // record would be skipped and the capture give nothing, unsaid.
            guard datalink != .hciBSCP, datalink != .hciSerialThreeWire else {
                throw HCIDecodingError(
                    context: "btsnoop header",
                    message: "datalink type \(raw) (\(datalink == .hciBSCP ? "BCSP" : "three-wire UART") frames) is not read; capture with btmon -w (2001) or Android's HCI snoop log (1002)",
                    offset: 12)
            }
            self.version = version
            self.datalink = datalink
            consume(16)
        }
        guard buffer.readableBytes >= 24 else { return nil }
        let start = buffer.readerIndex
        let originalLength = buffer.getInteger(at: start, endianness: .big, as: UInt32.self)!
        let includedLength = Int(buffer.getInteger(at: start + 4, endianness: .big, as: UInt32.self)!)
        guard includedLength <= Self.maximumRecordLength else {
            throw HCIDecodingError(
                context: "btsnoop record \(recordCount + 1)",
                message: "included length \(includedLength) exceeds \(Self.maximumRecordLength) bytes", offset: fileOffset + 4
            )
        }
        guard includedLength <= originalLength else {
            throw HCIDecodingError(
                context: "btsnoop record \(recordCount + 1)",
                message: "included length \(includedLength) exceeds original length \(originalLength)", offset: fileOffset + 4
            )
        }
        guard buffer.readableBytes >= 24 + includedLength else { return nil }
        recordCount += 1
        let record = BtsnoopRecord(
            index: recordCount,
            originalLength: originalLength,
            flags: buffer.getInteger(at: start + 8, endianness: .big)!,
            cumulativeDrops: buffer.getInteger(at: start + 12, endianness: .big)!,
            timestampMicroseconds: buffer.getInteger(at: start + 16, endianness: .big)!,
            data: buffer.getSlice(at: start + 24, length: includedLength)!
        )
        consume(24 + includedLength)
        return record
    }

    private mutating func consume(_ count: Int) {
        buffer.moveReaderIndex(forwardBy: count)
        fileOffset += count
    }
}

extension BtsnoopParser {
    /// Parses a whole file held in memory.
    public static func records(in bytes: ByteBuffer) throws(HCIDecodingError) -> (BtsnoopDatalink, [BtsnoopRecord]) {
        var parser = BtsnoopParser()
        parser.feed(bytes)
        var records: [BtsnoopRecord] = []
        while let record = try parser.next() { records.append(record) }
        guard let datalink = parser.datalink else {
            throw HCIDecodingError(context: "btsnoop header", message: "file is shorter than the 16-byte header", offset: 0)
        }
        if parser.pendingBytes > 0 {
            throw HCIDecodingError(
                context: "btsnoop record \(records.count + 1)",
                message: "file ends \(parser.pendingBytes) bytes into a record", offset: bytes.readableBytes - parser.pendingBytes
            )
        }
        return (datalink, records)
    }
}
