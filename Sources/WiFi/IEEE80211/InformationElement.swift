import NIOCore

/// One information element (802.11-2020, 9.4.2): Element ID, Length, then the body. For
/// Element ID 255 the first body byte is the Element ID Extension.
public struct InformationElement: Hashable, Sendable {
    public var id: UInt8
    public var body: ByteBuffer

    public static let ssid: UInt8 = 0
    public static let supportedRates: UInt8 = 1
    public static let dsParameterSet: UInt8 = 3
    public static let htCapabilities: UInt8 = 45
    public static let extendedSupportedRates: UInt8 = 50
    public static let ssidList: UInt8 = 84
    public static let extendedCapabilities: UInt8 = 127
    public static let vendorSpecific: UInt8 = 221
    public static let extensionElement: UInt8 = 255

    public init(id: UInt8, body: ByteBuffer) {
        self.id = id
        self.body = body
    }

    /// The Element ID Extension of an extension element (ID 255).
    public var extensionID: UInt8? {
        id == Self.extensionElement ? body.getInteger(at: body.readerIndex, as: UInt8.self) : nil
    }

    /// The OUI of a vendor-specific element (ID 221), as three bytes in one integer.
    public var vendorOUI: UInt32? {
        guard id == Self.vendorSpecific, body.readableBytes >= 3,
              let bytes = body.getBytes(at: body.readerIndex, length: 3) else { return nil }
        return UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    }
}

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
