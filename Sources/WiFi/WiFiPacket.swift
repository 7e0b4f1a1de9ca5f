import NIOCore

/// One captured 802.11 packet: its radio header (radiotap or AVS) and the frame after it,
/// with the FCS removed when radiotap says one is there.
public struct WiFiPacket: Hashable, Sendable {
    public var linkType: WiFiLinkType
    public var radiotap: RadiotapHeader?
    public var avs: AVSHeader?
    public var frame: IEEE80211Frame

    /// The received signal in dBm, when the radio header has one.
    public var signal: Int8? { radiotap?.signal ?? avs?.dBmSignal }

    /// The channel number, from radiotap's frequency or the AVS channel.
    public var channel: Int? {
        if let megahertz = radiotap?.megahertz { return ChannelFrequency.channel(megahertz: megahertz) }
        return avs.map { Int($0.channel) }
    }

    /// The frame failed its FCS check (radiotap flag): its addresses are not to be trusted.
    public var hasBadFCS: Bool { radiotap?.flags?.contains(.badFCS) ?? false }

    public var probeRequest: ProbeRequest? {
        if case .probeRequest(let probe) = frame { return probe }
        return nil
    }

    public init(decoding packet: ByteBuffer, linkType: WiFiLinkType) throws(WiFiDecodingError) {
        self.linkType = linkType
        radiotap = nil
        avs = nil
        frame = .control(FrameControl(rawValue: 0))
        // One pass over the raw bytes fills the headers in place and finds the offsets; the
        // slices are cut afterwards. Copies of the headers were most of the per-frame cost.
        var layout = Layout()
        let failure = packet.withUnsafeReadableBytes { b -> WiFiDecodingError? in
            do throws(WiFiDecodingError) {
                try Self.layout(b, linkType: linkType, radiotap: &radiotap, avs: &avs, into: &layout)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        frame = layout.frame(packet: packet)
    }

    public init(decoding packet: [UInt8], linkType: WiFiLinkType) throws(WiFiDecodingError) {
        var buffer = ByteBufferAllocator().buffer(capacity: packet.count)
        buffer.writeBytes(packet)
        try self.init(decoding: buffer, linkType: linkType)
    }

    /// Offsets and scalars from one pass over the raw bytes; slices are cut afterwards.
    struct Layout {
        var frameControl = FrameControl(rawValue: 0)
        var management: ManagementLayout?
        var ssidStart = -1
        var ssidLength = 0
        var elementError: WiFiDecodingError?

        func frame(packet: ByteBuffer) -> IEEE80211Frame {
            switch frameControl.type {
            case .control: return .control(frameControl)
            case .data: return .data(frameControl)
            case .extension: return .extension(frameControl)
            case .management:
                let management = self.management!
                let subtype = ManagementSubtype(rawValue: frameControl.subtype)!
                let frame = management.frame(subtype: subtype, packet: packet)
                guard subtype == .probeRequest else { return .management(frame) }
                return .probeRequest(ProbeRequest(
                    frame: frame,
                    ssidOffset: ssidStart < 0 ? -1 : Int32(ssidStart - management.bodyStart),
                    ssidLength: UInt8(truncatingIfNeeded: ssidLength),
                    elementError: elementError
                ))
            }
        }
    }

    static func layout(
        _ b: UnsafeRawBufferPointer, linkType: WiFiLinkType,
        radiotap: inout RadiotapHeader?, avs: inout AVSHeader?, into layout: inout Layout
    ) throws(WiFiDecodingError) {
        var start = 0
        var end = b.count
        switch linkType {
        case .radiotap:
            radiotap = try RadiotapHeader(bytes: b)
            start = radiotap!.length
            if radiotap!.hasFCS {
                guard end - start >= 4 else {
                    throw WiFiDecodingError(.ieee80211, at: start, "radiotap flags say an FCS ends the frame but only \(end - start) bytes follow the header")
                }
                end -= 4
            }
        case .avs:
            let header = try AVSHeader(bytes: b)
            start = header.length
            avs = header
        case .ieee80211:
            break
        }
        guard end - start >= 2 else {
            throw WiFiDecodingError(.ieee80211, at: end, "frame control needs 2 bytes but the frame has \(end - start)")
        }
        let frameControl = FrameControl(rawValue: b.u16(start))
        guard frameControl.protocolVersion == 0 else {
            throw WiFiDecodingError(.ieee80211, at: start, "protocol version \(frameControl.protocolVersion) is not 0")
        }
        layout.frameControl = frameControl
        guard frameControl.type == .management else { return }

        let management = try ManagementLayout(b, frameControl: frameControl, start: start, end: end)
        let subtype = ManagementSubtype(rawValue: frameControl.subtype)!
        let bodyLength = management.end - management.bodyStart
        guard bodyLength >= subtype.minimumBodyLength else {
            throw WiFiDecodingError(.ieee80211, at: management.bodyStart, "\(subtype) body needs \(subtype.minimumBodyLength) bytes of fixed fields but has \(bodyLength)")
        }
        layout.management = management
        if subtype == .probeRequest {
            let scan = ProbeRequest.scanElements(b, from: management.bodyStart, to: management.end)
            layout.ssidStart = scan.ssidStart
            layout.ssidLength = scan.ssidLength
            layout.elementError = scan.error
        }
    }
}
