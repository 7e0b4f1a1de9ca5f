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
    /// Encryption Key Refresh Complete, LE Meta, Authenticated Payload Timeout Expired, vendor.
    public static let lowEnergyHostEvents: Set<UInt8> = [0x05, 0x08, 0x0E, 0x0F, 0x10, 0x13, 0x1A, 0x30, 0x3E, 0x57, 0xFF]

    /// A host accepts events (and data); a controller accepts commands (and data). Narrowing
    /// `eventCodes` makes resynchronisation after garbage more reliable.
    public init(accepting accepted: Set<H4PacketType> = Set(H4PacketType.allCases), eventCodes: Set<UInt8>? = nil) {
        self.accepted = accepted
        self.eventCodes = eventCodes
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
            guard buffer.readableBytes >= 1 + header.size else { return nil }
            let lengthIndex = buffer.readerIndex + 1 + header.lengthOffset
            let length = header.lengthIs16Bit
                ? Int(buffer.getInteger(at: lengthIndex, endianness: .little, as: UInt16.self)! & (type == .iso ? 0x3FFF : 0xFFFF))
                : Int(buffer.getInteger(at: lengthIndex, as: UInt8.self)!)
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
