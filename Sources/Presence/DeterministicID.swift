import Crypto
import FootfallCore
import Foundation

/// Ids derived from what they name, so the same visit replayed gives the same ids and a
/// receiver can de-duplicate: a SHA-256 of the parts, laid out as an RFC 9562 version 8 UUID.
public enum DeterministicID {
    public static func make(_ parts: [String]) -> String {
        var bytes = Array(SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        // 8-4-4-4-12 digits.
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { Hex.lowercase(bytes[$0]) }.joined(separator: "-")
    }
}
