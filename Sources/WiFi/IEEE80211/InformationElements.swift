import NIOCore

/// The elements of a frame body, read lazily without allocating. Iteration stops at the
/// first element whose length runs past the body; `validate()` says where that is.
public struct InformationElements: Sequence, Hashable, Sendable {
    public var bytes: ByteBuffer
    /// Where `bytes` starts in the captured packet, for error offsets.
    public var packetOffset: Int

    public init(bytes: ByteBuffer, packetOffset: Int = 0) {
        self.bytes = bytes
        self.packetOffset = packetOffset
    }

    public struct Iterator: IteratorProtocol {
        var bytes: ByteBuffer
        public mutating func next() -> InformationElement? {
            guard bytes.readableBytes >= 2,
                  let id = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self),
                  let length = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self),
                  let body = bytes.getSlice(at: bytes.readerIndex + 2, length: Int(length))
            else { return nil }
            bytes.moveReaderIndex(forwardBy: 2 + Int(length))
            return InformationElement(id: id, body: body)
        }
    }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    /// The IDs in order, as a test or a log would list them.
    public var ids: [UInt8] { map(\.id) }

    /// The first element with this ID.
    public func first(id: UInt8) -> InformationElement? { first { $0.id == id } }

    /// Throws where an element runs past the body (or a lone byte is left over).
    public func validate() throws(WiFiDecodingError) {
        let result = bytes.withUnsafeReadableBytes { b in
            Self.firstMalformedElement(b, packetOffset: packetOffset)
        }
        if let result { throw result }
    }

    static func firstMalformedElement(_ b: UnsafeRawBufferPointer, packetOffset: Int) -> WiFiDecodingError? {
        var offset = 0
        while offset < b.count {
            guard offset + 2 <= b.count else {
                return WiFiDecodingError(.informationElement, at: packetOffset + offset, "element \(b.u8(offset)) has no length byte: the body ends after its ID")
            }
            let length = Int(b.u8(offset + 1))
            guard offset + 2 + length <= b.count else {
                return WiFiDecodingError(.informationElement, at: packetOffset + offset + 1, "element \(b.u8(offset)) declares \(length) bytes but only \(b.count - offset - 2) remain")
            }
            offset += 2 + length
        }
        return nil
    }
}
