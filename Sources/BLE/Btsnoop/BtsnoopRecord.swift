import NIOCore

/// One record of a btsnoop file (all fields big-endian): Original Length, Included Length,
/// Packet Flags, Cumulative Drops, Timestamp (microseconds since midnight, 1 January 0 AD), data.
public struct BtsnoopRecord: Sendable, Hashable {
    public var index: Int
    public var originalLength: UInt32
    public var flags: UInt32
    public var cumulativeDrops: UInt32
    public var timestampMicroseconds: Int64
    public var data: ByteBuffer

    /// Microseconds from 0 AD to the Unix epoch.
    public static let unixEpochMicroseconds: Int64 = 0x00DC_DDB3_0F2F_8000

    /// Seconds since the Unix epoch.
    /// (A record's stamp is any 64-bit value a file holds: one whose difference from the epoch
    /// does not fit in 64 bits is taken in doubles, which lose the microseconds there.)
    public var time: Double {
        let (micros, overflow) = timestampMicroseconds.subtractingReportingOverflow(Self.unixEpochMicroseconds)
        guard !overflow else { return (Double(timestampMicroseconds) - Double(Self.unixEpochMicroseconds)) / 1_000_000 }
        return Double(micros) / 1_000_000
    }

    /// Whether the record was cut short when it was written.
    public var isTruncated: Bool { Int(originalLength) > data.readableBytes }

    /// The HCI packet in the record for this datalink, or nil for monitor records that carry
    /// no HCI packet (new index, system notes…) and datalinks this project does not read.
    public func packet(datalink: BtsnoopDatalink) -> BtsnoopPacket? {
        switch datalink {
        case .hciUART:
            guard let first = data.getInteger(at: data.readerIndex, as: UInt8.self),
                  let type = H4PacketType(rawValue: first) else { return nil }
            return BtsnoopPacket(
                record: self, direction: flags & 1 == 0 ? .hostToController : .controllerToHost,
                type: type, packet: data.getSlice(at: data.readerIndex + 1, length: data.readableBytes - 1)!
            )
        case .hciUnencapsulated:
            // Bit 0: 0 sent, 1 received. Bit 1: 1 command or event, 0 data.
            let received = flags & 1 != 0
            let type: H4PacketType = flags & 2 != 0 ? (received ? .event : .command) : .acl
            return BtsnoopPacket(record: self, direction: received ? .controllerToHost : .hostToController, type: type, packet: data)
        case .linuxMonitor:
            let opcode = flags & 0xFFFF
            let kind: (H4PacketType, HCIDirection)
            switch opcode {
            case 2: kind = (.command, .hostToController)
            case 3: kind = (.event, .controllerToHost)
            case 4: kind = (.acl, .hostToController)
            case 5: kind = (.acl, .controllerToHost)
            case 6: kind = (.sco, .hostToController)
            case 7: kind = (.sco, .controllerToHost)
            case 18: kind = (.iso, .hostToController)
            case 19: kind = (.iso, .controllerToHost)
            default: return nil
            }
            return BtsnoopPacket(record: self, direction: kind.1, type: kind.0, packet: data, adapterIndex: UInt16(flags >> 16))
        case .hciBSCP, .hciSerialThreeWire:
            return nil
        }
    }
}
