/// A service UUID as advertised: 16-, 32- or 128-bit (Vol 3 Part B 2.5.1).
public enum BluetoothUUID: Hashable, Sendable, CustomStringConvertible {
    case bit16(UInt16)
    case bit32(UInt32)
    case bit128(UInt128)

    /// The 128-bit form, using the Bluetooth Base UUID for the short forms.
    public var uuid128: UInt128 {
        switch self {
        case .bit16(let value): return Self.base | UInt128(value) << 96
        case .bit32(let value): return Self.base | UInt128(value) << 96
        case .bit128(let value): return value
        }
    }

    /// 00000000-0000-1000-8000-00805F9B34FB.
    static let base: UInt128 = 0x0000_0000_0000_1000_8000_0080_5F9B_34FB

    public var description: String {
        switch self {
        case .bit16(let value): return Self.hex(UInt64(value), digits: 4)
        case .bit32(let value): return Self.hex(UInt64(value), digits: 8)
        case .bit128(let value): return Self.uuidString(value)
        }
    }

    /// `494e5445-4c4c-495f-524f-434b535f4857`: lower case, 8-4-4-4-12.
    public static func uuidString(_ value: UInt128) -> String {
        let hex = Self.hex128(value)
        var out = ""
        out.reserveCapacity(36)
        for (index, character) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { out.append("-") }
            out.append(character)
        }
        return out
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func hex128(_ value: UInt128, digits: Int = 32) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
