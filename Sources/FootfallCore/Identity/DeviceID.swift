/// A device's identity in its one text form (DESIGN.md, device ids): the most stable identity
/// heard, prefixed with its kind. Any other string is accepted as an opaque id.
public struct DeviceID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public enum Kind: String, Sendable, CaseIterable {
        case ibeacon, eddystone, altbeacon, irk, ble
        case bleRPA = "ble-rpa"
        case wifi
        case opaque
    }

    /// The kind named by the prefix before the first colon, or `.opaque`.
    public var kind: Kind {
        guard let colon = rawValue.firstIndex(of: ":") else { return .opaque }
        return Kind(rawValue: String(rawValue[..<colon])) ?? .opaque
    }

    /// Whether the identity is stable across visits: beacon ids, resolved identity keys and
    /// addresses that do not rotate. Rotating addresses are counted, never profiled.
    public var isStable: Bool {
        switch kind {
        case .ibeacon, .eddystone, .altbeacon, .irk, .opaque: return true
        case .ble, .wifi: return !isLocallyAdministered
        case .bleRPA: return false
        }
    }

    /// For `wifi:` addresses, the locally administered bit (randomized MACs); for `ble:` the
    /// two top bits of a random address say static (11) — anything else heard as `ble:` is public.
    public var isLocallyAdministered: Bool {
        guard kind == .wifi, let firstOctet = addressFirstOctet else { return false }
        return firstOctet & 0x02 != 0
    }

    private var addressFirstOctet: UInt8? {
        guard let colon = rawValue.firstIndex(of: ":") else { return nil }
        let rest = rawValue[rawValue.index(after: colon)...]
        return UInt8(rest.prefix(2), radix: 16)
    }

    /// A Bluetooth address a relay heard (an MQTT node or gateway, a Meraki access point),
    /// `address` in its text form `aa:bb:cc:dd:ee:ff`: a stable device (`ble:`) when the relay
    /// said it is public, or when its top bits say static random; anything else is taken as
    /// rotating (`ble-rpa:`), counted but never profiled, since a relay that does not say the
    /// type may be relaying a private address (DESIGN.md, device ids).
    public static func relayedBluetooth(address: String, isPublic: Bool = false) -> DeviceID {
        let staticRandom = UInt8(address.prefix(2), radix: 16).map { $0 >> 6 == 0b11 } ?? false
        return DeviceID((isPublic || staticRandom ? "ble:" : "ble-rpa:") + address)
    }

    public static func ibeacon(uuid: String, major: UInt16, minor: UInt16) -> DeviceID {
        DeviceID("ibeacon:\(uuid.lowercased()):\(major):\(minor)")
    }

    /// The id as the gateway writes it, from one an operator typed: a kind whose id is
    /// hexadecimal and decimal (a UUID, an address, a namespace) in lower case
    /// (`IBEACON:F7826DA6-…` is `ibeacon:f7826da6-…`); an identity key's name (`irk:`, as
    /// `identity.identity_keys` names it) and any other id as given.
    public static func canonical(_ text: String) -> DeviceID {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.firstIndex(of: ":"), let kind = Kind(rawValue: trimmed[..<colon].lowercased()) else {
            return DeviceID(trimmed)
        }
        switch kind {
        case .ibeacon, .eddystone, .altbeacon, .ble, .bleRPA, .wifi: return DeviceID(trimmed.lowercased())
        case .irk: return DeviceID(kind.rawValue + trimmed[colon...])
        case .opaque: return DeviceID(trimmed)
        }
    }

    public var description: String { rawValue }
    public static func < (a: DeviceID, b: DeviceID) -> Bool { a.rawValue < b.rawValue }
}
