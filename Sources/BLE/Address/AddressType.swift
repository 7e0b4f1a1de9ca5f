/// The address type an advertising report carries (Vol 4 Part E 7.7.65.2 and 7.7.65.13).
public enum AddressType: Hashable, Sendable, CustomStringConvertible {
    case publicDevice
    case randomDevice
    /// A public identity address the controller resolved from an RPA.
    case publicIdentity
    /// A random (static) identity address the controller resolved from an RPA.
    case randomIdentity
    /// No address sent (anonymous advertisement, extended reports only).
    case anonymous
    case reserved(UInt8)

    public init(rawValue: UInt8) {
        switch rawValue {
        case 0x00: self = .publicDevice
        case 0x01: self = .randomDevice
        case 0x02: self = .publicIdentity
        case 0x03: self = .randomIdentity
        case 0xFF: self = .anonymous
        default: self = .reserved(rawValue)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .publicDevice: 0x00
        case .randomDevice: 0x01
        case .publicIdentity: 0x02
        case .randomIdentity: 0x03
        case .anonymous: 0xFF
        case .reserved(let value): value
        }
    }

    public var description: String {
        switch self {
        case .publicDevice: "public"
        case .randomDevice: "random"
        case .publicIdentity: "public-identity"
        case .randomIdentity: "random-identity"
        case .anonymous: "anonymous"
        case .reserved(let value): "reserved(0x\(String(value, radix: 16)))"
        }
    }
}
