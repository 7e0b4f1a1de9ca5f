import NIOCore

/// An 802.11 management frame (802.11-2020, 9.3.3): the 24-byte MAC header, an HT Control
/// field when +HTC/Order is set, and the body (FCS removed).
public struct ManagementFrame: Hashable, Sendable {
    public var frameControl: FrameControl
    public var subtype: ManagementSubtype
    public var duration: UInt16
    /// Address 1, the receiver: broadcast for most probe requests.
    public var destination: MACAddress
    /// Address 2, the transmitter: the device heard.
    public var source: MACAddress
    /// Address 3.
    public var bssid: MACAddress
    /// Sequence Control: sequence number in the top 12 bits, fragment number in the low 4.
    public var sequenceControl: UInt16
    public var htControl: UInt32?
    public var body: ByteBuffer
    /// Where the body starts in the captured packet, for error offsets.
    public var bodyPacketOffset: Int

    public var sequenceNumber: UInt16 { sequenceControl >> 4 }
    public var fragmentNumber: UInt8 { UInt8(sequenceControl & 0xF) }

    /// The body's information elements, after the subtype's fixed fields; nil for subtypes
    /// whose body holds none.
    public var elements: InformationElements? {
        guard let fixed = subtype.fixedFieldsLength, let slice = body.getSlice(at: body.readerIndex + fixed, length: body.readableBytes - fixed) else { return nil }
        return InformationElements(bytes: slice, packetOffset: bodyPacketOffset + fixed)
    }
}

/// Where the parts of a management frame lie in a packet, found in one pass over raw bytes.
struct ManagementLayout {
    var frameControl: FrameControl
    var duration: UInt16
    var destination: MACAddress
    var source: MACAddress
    var bssid: MACAddress
    var sequenceControl: UInt16
    var htControl: UInt32?
    var bodyStart: Int
    var end: Int

    static let headerLength = 24

    /// Reads the MAC header of the management frame in `b[start..<end]`.
    init(_ b: UnsafeRawBufferPointer, frameControl: FrameControl, start: Int, end: Int) throws(WiFiDecodingError) {
        guard end - start >= Self.headerLength else {
            throw WiFiDecodingError(.ieee80211, at: end, "management header needs \(Self.headerLength) bytes but the frame has \(end - start)")
        }
        self.frameControl = frameControl
        duration = b.u16(start + 2)
        destination = MACAddress(bytes: b, at: start + 4)
        source = MACAddress(bytes: b, at: start + 10)
        bssid = MACAddress(bytes: b, at: start + 16)
        sequenceControl = b.u16(start + 22)
        var bodyStart = start + Self.headerLength
        if frameControl.order {
            guard end - bodyStart >= 4 else {
                throw WiFiDecodingError(.ieee80211, at: bodyStart, "+HTC/Order is set but the 4-byte HT Control field is missing")
            }
            htControl = b.u32(bodyStart)
            bodyStart += 4
        }
        self.bodyStart = bodyStart
        self.end = end
    }

    func frame(subtype: ManagementSubtype, packet: ByteBuffer) -> ManagementFrame {
        ManagementFrame(
            frameControl: frameControl, subtype: subtype, duration: duration,
            destination: destination, source: source, bssid: bssid,
            sequenceControl: sequenceControl, htControl: htControl,
            body: packet.getSlice(at: packet.readerIndex + bodyStart, length: end - bodyStart)!,
            bodyPacketOffset: bodyStart
        )
    }
}
