import NIOCore

/// An HCI command packet: Opcode, Parameter_Total_Length, parameters (Vol 4 Part E 5.4.1).
public struct HCICommand: Sendable, Hashable {
    public var opcode: HCIOpcode
    public var parameters: [UInt8]

    public init(opcode: HCIOpcode, parameters: [UInt8] = []) {
        precondition(parameters.count <= 255, "HCI command parameters are at most 255 bytes")
        self.opcode = opcode
        self.parameters = parameters
    }

    /// Writes the command packet (without the H4 type byte).
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(opcode.rawValue, endianness: .little)
        buffer.writeInteger(UInt8(parameters.count))
        buffer.writeBytes(parameters)
    }

    /// The command as sent on a UART or a raw HCI socket: type byte 0x01 first.
    public var h4Bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(H4PacketType.command.rawValue)
        encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes a command packet (for fake controllers and snoop logs).
    public static func decode(_ packet: ByteBuffer) throws(HCIDecodingError) -> HCICommand {
        var reader = PacketReader(packet, context: "HCI command")
        let opcode = try reader.u16("Opcode")
        let length = try reader.u8("Parameter_Total_Length")
        guard reader.remaining == Int(length) else {
            throw HCIDecodingError(
                context: HCIOpcode(rawValue: opcode).name,
                message: "Parameter_Total_Length says \(length) bytes but the packet has \(reader.remaining)",
                offset: 2
            )
        }
        return HCICommand(opcode: HCIOpcode(rawValue: opcode), parameters: Array(reader.rest().readableBytesView))
    }
}

extension HCICommand {
    public static let reset = HCICommand(opcode: .reset)
    public static let readLocalVersionInformation = HCICommand(opcode: .readLocalVersionInformation)
    public static let readBDADDR = HCICommand(opcode: .readBDADDR)
    public static let readLocalSupportedCommands = HCICommand(opcode: .readLocalSupportedCommands)
    public static let leReadLocalSupportedFeatures = HCICommand(opcode: .leReadLocalSupportedFeatures)

    /// Set Event Mask: the specification's default events plus LE Meta (bit 61).
    public static let defaultEventMask: UInt64 = 0x0000_1FFF_FFFF_FFFF | 1 << 61
    /// LE events this project consumes: advertising report (bit 1), directed (bit 10),
    /// extended (bit 12). Bit n enables subevent n + 1.
    public static let advertisingLEEventMask: UInt64 = 1 << 1 | 1 << 10 | 1 << 12

    public static func setEventMask(_ mask: UInt64 = defaultEventMask) -> HCICommand {
        HCICommand(opcode: .setEventMask, parameters: littleEndian(mask))
    }

    public static func leSetEventMask(_ mask: UInt64 = advertisingLEEventMask) -> HCICommand {
        HCICommand(opcode: .leSetEventMask, parameters: littleEndian(mask))
    }

    /// LE Set Scan Parameters: LE_Scan_Type (0 passive), LE_Scan_Interval, LE_Scan_Window (units
    /// of 0.625 ms), Own_Address_Type, Scanning_Filter_Policy.
    public static func leSetScanParameters(
        active: Bool = false, interval: UInt16 = 0x0010, window: UInt16 = 0x0010,
        ownAddressType: UInt8 = 0, filterPolicy: UInt8 = 0
    ) -> HCICommand {
        HCICommand(
            opcode: .leSetScanParameters,
            parameters: [active ? 1 : 0] + littleEndian(interval) + littleEndian(window) + [ownAddressType, filterPolicy]
        )
    }

    /// LE Set Scan Enable: LE_Scan_Enable, Filter_Duplicates.
    public static func leSetScanEnable(_ enable: Bool, filterDuplicates: Bool = false) -> HCICommand {
        HCICommand(opcode: .leSetScanEnable, parameters: [enable ? 1 : 0, filterDuplicates ? 1 : 0])
    }

    /// LE Set Extended Scan Parameters: Own_Address_Type, Scanning_Filter_Policy, Scanning_PHYs
    /// (bit 0 LE 1M, bit 2 LE Coded), then Scan_Type, Scan_Interval, Scan_Window per PHY.
    public static func leSetExtendedScanParameters(
        active: Bool = false, interval: UInt16 = 0x0010, window: UInt16 = 0x0010,
        ownAddressType: UInt8 = 0, filterPolicy: UInt8 = 0, phys: UInt8 = 0x01
    ) -> HCICommand {
        var parameters: [UInt8] = [ownAddressType, filterPolicy, phys]
        for bit in [0, 2] where phys & (1 << bit) != 0 {
            parameters += [active ? 1 : 0] + littleEndian(interval) + littleEndian(window)
        }
        return HCICommand(opcode: .leSetExtendedScanParameters, parameters: parameters)
    }

    /// LE Set Extended Scan Enable: Enable, Filter_Duplicates, Duration (10 ms units, 0 =
    /// until disabled), Period (1.28 s units, 0 = continuous).
    public static func leSetExtendedScanEnable(
        _ enable: Bool, filterDuplicates: Bool = false, duration: UInt16 = 0, period: UInt16 = 0
    ) -> HCICommand {
        HCICommand(
            opcode: .leSetExtendedScanEnable,
            parameters: [enable ? 1 : 0, filterDuplicates ? 1 : 0] + littleEndian(duration) + littleEndian(period)
        )
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
