/// The packet indicator that precedes each HCI packet on a UART (Vol 4 Part A 2).
public enum H4PacketType: UInt8, Sendable, Hashable, CaseIterable {
    case command = 0x01
    case acl = 0x02
    case sco = 0x03
    case event = 0x04
    case iso = 0x05

    /// Size of the header after the type byte, and where its length field sits and how wide.
    var header: (size: Int, lengthOffset: Int, lengthIs16Bit: Bool) {
        switch self {
        case .command: (3, 2, false)   // Opcode (2), Parameter_Total_Length (1)
        case .acl: (4, 2, true)        // Handle + flags (2), Data_Total_Length (2)
        case .sco: (3, 2, false)       // Handle + flags (2), Data_Total_Length (1)
        case .event: (2, 1, false)     // Event_Code (1), Parameter_Total_Length (1)
        case .iso: (4, 2, true)        // Handle + flags (2), ISO_Data_Load_Length (14 bits)
        }
    }
}
