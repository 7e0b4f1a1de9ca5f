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

    /// `plaintext` sealed (AES-GCM) under a key derived from the pseudonym key, for state the
    /// gateway keeps at rest that names devices by their ids (the visits open at a restart):
    /// readable only with the data directory's key, as the pseudonyms are.
    public func seal(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(plaintext, using: stateKey).combined else {
            throw CryptoKitError.incorrectParameterSize
        }
        return Array(combined)
    }

    /// What `seal` sealed with this key; nil for anything else (another key, a cut-off value).
    public func open(_ sealed: [UInt8]) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed), let plain = try? AES.GCM.open(box, using: stateKey) else { return nil }
        return Array(plain)
    }

    private var stateKey: SymmetricKey {
        SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("kept-state".utf8), using: key))
    }
}
