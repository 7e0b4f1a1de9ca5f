/// A 48-bit IEEE MAC address, kept in one integer so frames decode without allocating.
public struct MACAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The six octets, first transmitted octet in the most significant position.
    public let value: UInt64

    public init(value: UInt64) { self.value = value & 0xFFFF_FFFF_FFFF }

    public init(_ octets: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        value = UInt64(octets.0) << 40 | UInt64(octets.1) << 32 | UInt64(octets.2) << 24
            | UInt64(octets.3) << 16 | UInt64(octets.4) << 8 | UInt64(octets.5)
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (or with `-`), either case; nil for anything else.
    public init?(_ text: some StringProtocol) {
        var value: UInt64 = 0
        var digits = 0
        var separators = 0
        for scalar in text.utf8 {
            switch scalar {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(scalar - UInt8(ascii: "0")); digits += 1
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(scalar - UInt8(ascii: "a") + 10); digits += 1
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value << 4 | UInt64(scalar - UInt8(ascii: "A") + 10); digits += 1
            case UInt8(ascii: ":"), UInt8(ascii: "-"):
                guard digits == (separators + 1) * 2 else { return nil }
                separators += 1
            default: return nil
            }
        }
        guard digits == 12, separators == 5 || separators == 0 else { return nil }
        self.value = value
    }

    @inline(__always)
    init(bytes: UnsafeRawBufferPointer, at offset: Int) {
        // Octets are transmitted in order; read them big-endian into one integer.
        let high = UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let low = UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)))
        value = high << 16 | low
    }

    public var octets: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * $0)) } }

    /// The U/L bit (bit 1 of the first octet): set on addresses a device made up itself, which
    /// is how phones randomize the address they probe with.
    public var isLocallyAdministered: Bool { value & 0x0200_0000_0000 != 0 }
    /// The I/G bit (bit 0 of the first octet): group (multicast or broadcast) addresses.
    public var isMulticast: Bool { value & 0x0100_0000_0000 != 0 }
    public var isBroadcast: Bool { value == 0xFFFF_FFFF_FFFF }

    /// Lowercase, colon-separated: `84:16:f9:f2:da:8b`.
    public var description: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 17) { out in
            for i in 0..<6 {
                let octet = Int(truncatingIfNeeded: value >> (40 - 8 * UInt64(i))) & 0xFF
                if i > 0 { out[i * 3 - 1] = UInt8(ascii: ":") }
                out[i * 3] = hex[octet >> 4]
                out[i * 3 + 1] = hex[octet & 0xF]
            }
            return 17
        }
    }

    public static func < (a: MACAddress, b: MACAddress) -> Bool { a.value < b.value }
}
