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
