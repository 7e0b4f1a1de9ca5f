/// Lower-case hexadecimal of bytes: pseudonyms, event ids and request signatures.
///
/// Written by hand: `String(format: "%02x")` per byte goes through Foundation's formatter, and
/// an event id's sixteen bytes so cost the daemon more than placing the device that caused it
/// (README, "Measured": the daemon under load).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Two lower-case digits a byte, most significant first.
    public static func lowercase<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let array = Array(bytes)
        return String(unsafeUninitializedCapacity: 2 * array.count) { out in
            for (i, byte) in array.enumerated() {
                out[2 * i] = digits[Int(byte >> 4)]
                out[2 * i + 1] = digits[Int(byte & 0x0F)]
            }
            return 2 * array.count
        }
    }
}
