import Crypto
import Foundation

/// Ids derived from what they name, so the same visit replayed gives the same ids and a
/// receiver can de-duplicate: a SHA-256 of the parts, laid out as an RFC 9562 version 8 UUID.
public enum DeterministicID {
    public static func make(_ parts: [String]) -> String {
        var bytes = Array(SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let h = Array(hex)
        return "\(String(h[0..<8]))-\(String(h[8..<12]))-\(String(h[12..<16]))-\(String(h[16..<20]))-\(String(h[20..<32]))"
    }
}
