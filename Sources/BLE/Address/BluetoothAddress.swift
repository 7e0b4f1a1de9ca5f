/// A 48-bit Bluetooth device address. Stored as the integer whose least significant byte is
/// the first byte on the wire (HCI sends addresses little-endian).
public struct BluetoothAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    /// From the six bytes as they appear in an HCI packet (least significant first).
    public init(littleEndianBytes bytes: some Collection<UInt8>) {
        var value: UInt64 = 0
        for (shift, byte) in zip(stride(from: 0, to: 48, by: 8), bytes) { value |= UInt64(byte) << UInt64(shift) }
        self.init(rawValue: value)
    }

    /// Parses the text form `AA:BB:CC:DD:EE:FF` (most significant byte first).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":")
        guard parts.count == 6 else { return nil }
        var value: UInt64 = 0
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            value = value << 8 | UInt64(byte)
        }
        self.init(rawValue: value)
    }

    /// The six bytes in wire order (least significant first).
    public var littleEndianBytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> UInt64($0 * 8)) } }

    /// The two most significant bits, which tell random address kinds apart (Vol 6 Part B 1.3.2).
    public var randomSubtype: RandomAddressSubtype {
        switch rawValue >> 46 {
        case 0b11: return .staticRandom
        case 0b01: return .resolvablePrivate
        case 0b00: return .nonResolvablePrivate
        default: return .reserved
        }
    }

    /// Lower-case, most significant byte first: `c4:7c:8d:6a:3e:1f`.
    public var description: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: UInt8(ascii: ":"), count: 17)
        for index in 0..<6 {
            let byte = UInt8(truncatingIfNeeded: rawValue >> UInt64((5 - index) * 8))
            bytes[index * 3] = hex[Int(byte >> 4)]
            bytes[index * 3 + 1] = hex[Int(byte & 0x0F)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
