import Crypto
import FootfallCore
import Foundation

/// Turns device ids into pseudonymous ids so no raw address leaves the gateway. Stable,
/// consented identities keep one pseudonym; rotating addresses get a keyed hash whose salt is
/// the day, so they cannot be linked across days.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    public func anonymousID(for device: DeviceID, at time: Double) -> String {
        let day = Int((time / 86_400).rounded(.down))
        let message = device.isStable ? device.rawValue : "\(day)|\(device.rawValue)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
        return "anon-" + mac.prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
