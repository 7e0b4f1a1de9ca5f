import Crypto
import FootfallCore
import Foundation

/// Turns device ids into pseudonyms so no raw address leaves the gateway. An identified device
/// keeps one pseudonym (its visit history is keyed by it); anything else is hashed with a salt
/// that rotates daily (itself derived from the key), so it cannot be followed across days.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// The key a replay without a gateway's own key pseudonymizes with: derived from the store
    /// id, so the same trace gives the same pseudonyms on every run. The daemon keeps a random key.
    public static func replayKey(storeID: String) -> [UInt8] {
        Array(SHA256.hash(data: Array("footfall-replay|\(storeID)".utf8)))
    }

    /// The stable pseudonym of an identified device: the key of its visit history.
    public func identityKey(for device: DeviceID) -> String {
        "id-" + Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Data("identity|\(device.rawValue)".utf8), using: key).prefix(12))
    }

    /// The pseudonym that goes into events: stable for identified devices, daily for others.
    public func anonymousID(for device: DeviceID, at time: Double, identified: Bool) -> String {
        if identified { return identityKey(for: device) }
        let day = Int((time / 86_400).rounded(.down))
        let salt = HMAC<SHA256>.authenticationCode(for: Data("salt|\(day)".utf8), using: key)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(device.rawValue.utf8), using: SymmetricKey(data: Data(salt)))
        return "anon-" + Hex.lowercase(mac.prefix(12))
    }
}
