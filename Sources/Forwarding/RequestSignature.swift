import Crypto
import FootfallCore
import Foundation

/// The `Footfall-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// under the sink's shared secret (docs/delivery.md shows how a receiver checks it). The
/// timestamp inside the signed text lets a receiver refuse replays of old requests.
public enum RequestSignature {
    public static let headerName = "Footfall-Signature"

    public static func header(body: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hex(body: body, secret: secret, timestamp: timestamp))"
    }

    static func hex(body: [UInt8], secret: String, timestamp: Int) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed += body
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.lowercase(code)
    }

    /// Checks a header against a body, as a receiver would: constant-time comparison, and
    /// timestamps older than `tolerance` seconds refused.
    public static func verify(header: String, body: [UInt8], secret: String, now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signature: String?
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signature = pair[1] }
        }
        guard let timestamp, let signature, abs(now - timestamp) <= tolerance else { return false }
        var signed = Array("\(timestamp).".utf8)
        signed += body
        guard let given = bytes(hex: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: signed, using: SymmetricKey(data: Array(secret.utf8)))
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            index += 2
        }
        return out
    }
}
