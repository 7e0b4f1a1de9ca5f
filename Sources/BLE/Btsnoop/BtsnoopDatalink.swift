/// The datalink type in a btsnoop file header (RFC 1761 and BlueZ's extension).
public enum BtsnoopDatalink: UInt32, Sendable, Hashable {
    /// HCI packets without a type byte; the flags say command/event or data, and direction.
    case hciUnencapsulated = 1001
    /// HCI over UART (H4): each record starts with the packet type byte.
    case hciUART = 1002
    case hciBSCP = 1003
    case hciSerialThreeWire = 1004
    /// BlueZ monitor: the opcode (and adapter index) are in the flags.
    case linuxMonitor = 2001
}
