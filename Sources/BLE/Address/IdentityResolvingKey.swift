import Crypto
import FootfallCore
import _CryptoExtras

/// A registered identity resolving key (IRK) and the name its resolved addresses get
/// (`irk:<name>`).
public struct IdentityResolvingKey: Sendable {
    public var name: String
    /// The key, most significant byte first, as the specification prints it.
    public var bytes: [UInt8]
    let key: SymmetricKey

    public init(name: String, bytes: [UInt8]) throws(IdentityKeyError) {
        guard bytes.count == 16 else { throw .wrongLength(name: name, count: bytes.count) }
        self.name = name
        self.bytes = bytes
        self.key = SymmetricKey(data: bytes)
    }

    /// From 32 hex digits, most significant first (BlueZ's `info` files store the same order).
    public init(name: String, hex: String) throws(IdentityKeyError) {
        // The same reading as the store's identity keys file.
        guard let bytes = IdentityKeysCodec.hexBytes(hex), bytes.count == 16 else { throw .notHex(name: name, text: hex) }
        // Assigned here rather than through self.init: typed throws from delegating
        // initializers miscompile in Swift 6.3.
        self.name = name
        self.bytes = bytes
        self.key = SymmetricKey(data: bytes)
    }

    /// The random address hash function ah (Vol 3 Part H 2.2.2):
    /// ah(k, r) = e(k, r') mod 2^24, where r' is r padded with 104 zero bits on the left.
    public func ah(_ prand: UInt32) -> UInt32 {
        var block = [UInt8](repeating: 0, count: 16)
        block[13] = UInt8(truncatingIfNeeded: prand >> 16)
        block[14] = UInt8(truncatingIfNeeded: prand >> 8)
        block[15] = UInt8(truncatingIfNeeded: prand)
        // A 16-byte block and a 16-byte key cannot fail.
        try! AES.permute(&block, key: key)
        return UInt32(block[13]) << 16 | UInt32(block[14]) << 8 | UInt32(block[15])
    }

    /// Whether a resolvable private address was made from this key: its top 24 bits are
    /// prand, its low 24 bits hash = ah(IRK, prand) (Vol 6 Part B 1.3.2.3).
    public func resolves(_ address: BluetoothAddress) -> Bool {
        guard address.randomSubtype == .resolvablePrivate else { return false }
        let prand = UInt32(truncatingIfNeeded: address.rawValue >> 24)
        let hash = UInt32(truncatingIfNeeded: address.rawValue & 0xFF_FFFF)
        return ah(prand) == hash
    }
}

public enum IdentityKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongLength(name: String, count: Int)
    case notHex(name: String, text: String)

    public var description: String {
        switch self {
        case .wrongLength(let name, let count): "identity key '\(name)' has \(count) bytes; an IRK has 16"
        case .notHex(let name, let text): "identity key '\(name)': '\(text)' is not 32 hex digits"
        }
    }
}

/// A key is printed by its name only: a service holding keys is described in the debug log
/// (ServiceLifecycle logs each service it starts), and a key read from that log would resolve
/// the phone's every private address.
extension IdentityResolvingKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "IdentityResolvingKey(name: \"\(name)\", 16 bytes not shown)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["name": name], displayStyle: .struct) }
}
