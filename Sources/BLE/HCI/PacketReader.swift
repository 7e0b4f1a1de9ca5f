import NIOCore

/// A cursor over one packet that reads little-endian fields and throws an error naming the
/// field and its byte offset when the packet is too short. All length checks go through
/// `HCIDecodingError.require`.
@usableFromInline
struct PacketReader {
    @usableFromInline let buffer: ByteBuffer
    /// Offset of the next byte, from the start of the packet.
    @usableFromInline var offset: Int
    /// Offset in the packet of the buffer's first readable byte (for error messages).
    @usableFromInline let base: Int
    @usableFromInline let context: String

    @inlinable
    init(_ buffer: ByteBuffer, base: Int = 0, context: String) {
        self.buffer = buffer
        self.offset = base
        self.base = base
        self.context = context
    }

    @inlinable var remaining: Int { buffer.readableBytes - (offset - base) }

    /// The length check, inline; the error (and its message) is built only on failure.
    @inlinable @inline(__always)
    func require(_ count: Int, _ field: StaticString) throws(HCIDecodingError) {
        if _slowPath(remaining < count) { throw tooShort(count, field) }
    }

    @usableFromInline @inline(never)
    func tooShort(_ count: Int, _ field: StaticString) -> HCIDecodingError {
        HCIDecodingError(
            context: context, message: "\(field) needs \(count) bytes but only \(remaining) remain", offset: offset
        )
    }

    @inlinable
    mutating func u8(_ field: StaticString) throws(HCIDecodingError) -> UInt8 {
        try require(1, field)
        defer { offset += 1 }
        return buffer.getInteger(at: buffer.readerIndex + offset - base, as: UInt8.self)!
    }

    @inlinable
    mutating func u16(_ field: StaticString) throws(HCIDecodingError) -> UInt16 {
        try require(2, field)
        defer { offset += 2 }
        return buffer.getInteger(at: buffer.readerIndex + offset - base, endianness: .little, as: UInt16.self)!
    }

    @inlinable
    mutating func address(_ field: StaticString) throws(HCIDecodingError) -> BluetoothAddress {
        try require(6, field)
        let index = buffer.readerIndex + offset - base
        let low = UInt64(buffer.getInteger(at: index, endianness: .little, as: UInt32.self)!)
        let high = UInt64(buffer.getInteger(at: index + 4, endianness: .little, as: UInt16.self)!)
        offset += 6
        return BluetoothAddress(rawValue: high << 32 | low)
    }

    @inlinable
    mutating func bytes(_ count: Int, _ field: StaticString) throws(HCIDecodingError) -> ByteBuffer {
        try require(count, field)
        defer { offset += count }
        return buffer.getSlice(at: buffer.readerIndex + offset - base, length: count)!
    }

    @inlinable
    mutating func rest() -> ByteBuffer {
        let count = remaining
        defer { offset += count }
        return buffer.getSlice(at: buffer.readerIndex + offset - base, length: count)!
    }
}
