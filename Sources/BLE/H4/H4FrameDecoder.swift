import NIOCore

/// Splits a UART byte stream into HCI packets. H4 has no sync word, so after garbage (line
/// noise, a controller that was mid-packet when we opened the port) the decoder drops one byte
/// at a time until a plausible packet starts: a type byte it accepts, and for events an event
/// that decodes. Decisions depend only on the bytes, never on how they were split into reads,
/// so feeding a stream whole or one byte at a time gives the same packets.
public struct H4FrameDecoder: Sendable {
    private var buffer = ByteBuffer()
    /// The packet types this side of the link receives; anything else is treated as garbage.
    public let accepted: Set<H4PacketType>
    /// Bytes dropped while resynchronising.
    public private(set) var skippedBytes = 0

    /// Event codes taken as the start of a packet; nil accepts any non-zero code.
    public let eventCodes: Set<UInt8>?

    /// What a scanning LE host hears: Disconnection Complete, Encryption Change, Command
    /// Complete/Status, Hardware Error, Number Of Completed Packets, Data Buffer Overflow,
    /// Encryption Key Refresh Complete, LE Meta, Authenticated Payload Timeout Expired. Not
    /// vendor events (0xFF): of any length and undecodable, three bytes of noise `04 FF 40`
    /// took the 64 bytes after them, real reports among them; a controller's own are skipped.
    public static let lowEnergyHostEvents: Set<UInt8> = [0x05, 0x08, 0x0E, 0x0F, 0x10, 0x13, 0x1A, 0x30, 0x3E, 0x57]

    /// LE Meta subevents taken as the start of a packet; nil accepts any.
    public let leSubevents: Set<UInt8>?

    /// What a scanning host enables (LE Set Event Mask): the advertising reports, legacy,
    /// directed and extended.
    public static let scanningSubevents: Set<UInt8> = [0x02, 0x0B, 0x0D]

    /// Parameter lengths of the host events whose length is fixed (Core Specification, Vol 4,
    /// Part E, 7.7): three bytes of noise that look like one of their headers with another
    /// length are not a packet, and are not waited on for up to 255 bytes.
    static let fixedLengths: [UInt8: Set<Int>] = [0x05: [4], 0x08: [4, 5], 0x0F: [4], 0x10: [1], 0x1A: [1], 0x30: [3], 0x57: [2]]

    /// A host accepts events (and data); a controller accepts commands (and data). Narrowing
    /// `eventCodes` and `leSubevents` makes resynchronisation after garbage more reliable.
    public init(
        accepting accepted: Set<H4PacketType> = Set(H4PacketType.allCases), eventCodes: Set<UInt8>? = nil, leSubevents: Set<UInt8>? = nil
    ) {
        self.accepted = accepted
        self.eventCodes = eventCodes
        self.leSubevents = leSubevents
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    public mutating func feed(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// The next complete packet, or nil when more bytes are needed.
    public mutating func next() -> H4Packet? {
        defer { if buffer.readerIndex > 4096 { buffer.discardReadBytes() } }
        while let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) {
            guard let type = H4PacketType(rawValue: first), accepted.contains(type) else {
                skip()
                continue
            }
            let header = type.header
            // An event's code, length and LE subevent are judged as soon as they are in, before
            // the bytes its length claims: noise that claims 255 bytes would otherwise swallow
            // the real packets that follow it.
            if type == .event, let code = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self),
               code == 0 || !(eventCodes?.contains(code) ?? true) {
                skip()
                continue
            }
            guard buffer.readableBytes >= 1 + header.size else { return nil }
            let lengthIndex = buffer.readerIndex + 1 + header.lengthOffset
            let length = header.lengthIs16Bit
                ? Int(buffer.getInteger(at: lengthIndex, endianness: .little, as: UInt16.self)! & (type == .iso ? 0x3FFF : 0xFFFF))
                : Int(buffer.getInteger(at: lengthIndex, as: UInt8.self)!)
            if type == .event {
                let code = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)!
                if let lengths = Self.fixedLengths[code], !lengths.contains(length) {
                    skip()
                    continue
                }
                if code == 0x3E, let leSubevents, length == 0 || buffer.getInteger(at: buffer.readerIndex + 3, as: UInt8.self).map({ !leSubevents.contains($0) }) == true {
                    skip()
                    continue
                }
            }
            guard buffer.readableBytes >= 1 + header.size + length else { return nil }
            let packet = buffer.getSlice(at: buffer.readerIndex + 1, length: header.size + length)!
            guard isPlausible(type: type, packet: packet) else {
                skip()
                continue
            }
            buffer.moveReaderIndex(forwardBy: 1 + header.size + length)
            return H4Packet(type: type, packet: packet)
        }
        return nil
    }

    /// Bytes received but not yet framed.
    public var pendingBytes: Int { buffer.readableBytes }

    private mutating func skip() {
        buffer.moveReaderIndex(forwardBy: 1)
        skippedBytes += 1
    }

    /// Events must decode; event code 0x00 is unused. Commands need a known OGF.
    func isPlausible(type: H4PacketType, packet: ByteBuffer) -> Bool {
        switch type {
        case .event:
            let code = packet.getInteger(at: packet.readerIndex, as: UInt8.self)!
            guard code != 0, eventCodes?.contains(code) ?? true else { return false }
            return (try? HCIEventDecoder.decode(packet)) != nil
        case .command:
            let ogf = HCIOpcode(rawValue: packet.getInteger(at: packet.readerIndex, endianness: .little, as: UInt16.self)!).ogf
            return (0x01...0x08).contains(ogf) || ogf == 0x3F
        case .acl, .sco, .iso:
            return true
        }
    }
}
