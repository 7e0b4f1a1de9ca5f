import Foundation

/// The identity keys file (`identity.identity_keys`): `name,irk` lines, one identity resolving
/// key (IRK) a line as 32 hex digits, most significant byte first (as the Bluetooth
/// specification and BlueZ's `info` files print it). A resolvable private address made from a
/// key becomes the device `irk:<name>`. The keys are secrets: keep the file readable by the
/// gateway only, outside the store file.
public enum IdentityKeysCodec {
    public struct Key: Hashable, Sendable {
        public var name: String
        /// The key's 16 bytes, most significant first.
        public var bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    public static func read(path: String) throws -> [Key] {
        try read(ByteLineReader(path: path))
    }

    public static func read(text: String, name: String = "<identity keys>") throws -> [Key] {
        try read(ByteLineReader(bytes: Array(text.utf8), name: name))
    }

    static func read(_ lines: ByteLineReader) throws -> [Key] {
        var row = DelimitedRow()
        guard let header = lines.nextLine() else {
            throw FormatError(file: lines.name, line: 1, message: "is empty; it starts with the header `name,irk`")
        }
        _ = row.split(header)
        let columns = try ColumnLayout(header: row, file: lines.name, line: 1, required: ["name", "irk"], optional: [], example: "name,irk")
        var keys: [Key] = []
        var seen: Set<String> = []
        while let line = lines.nextLine() {
            if line.isEmpty { continue }
            guard row.split(line), row.count == columns.names.count else {
                throw FormatError(file: lines.name, line: lines.lineNumber, message: "expected `name,irk`, e.g. `alice,ec0234a357c8ad05341010a60a397d9b`")
            }
            let name = row.string(columns["name"]!).trimmingCharacters(in: .whitespaces)
            let text = row.string(columns["irk"]!).trimmingCharacters(in: .whitespaces)
            func fail(_ field: String, _ message: String) -> FormatError {
                FormatError(file: lines.name, line: lines.lineNumber, column: row.column(columns[field]!), field: field, message: message)
            }
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
                throw fail("name", "'\(name)' is not a key name; use letters, digits, '.', '-' or '_' (it becomes the device id irk:<name>)")
            }
            guard seen.insert(name).inserted else {
                throw fail("name", "'\(name)' names two keys; give each key its own name")
            }
            guard let bytes = hexBytes(text), bytes.count == 16 else {
                throw fail("irk", "is not 32 hex digits (16 bytes, most significant first), e.g. ec0234a357c8ad05341010a60a397d9b")
            }
            guard bytes.contains(where: { $0 != 0 }) else {
                throw fail("irk", "is all zeros, which is no phone's key; copy the key the phone shared at pairing")
            }
            if let other = keys.first(where: { $0.bytes == bytes }) {
                // One phone under two names: which name its visits go to would be arbitrary.
                throw fail("irk", "is also the key of '\(other.name)'; one phone has one name")
            }
            keys.append(Key(name: name, bytes: bytes))
        }
        return keys
    }

    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_".unicodeScalars)

    /// Hex digits, optionally grouped by ':', '-' or spaces, as bytes (nil when not hex).
    public static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.unicodeScalars.filter { $0 != ":" && $0 != "-" && $0 != " " })
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = digit(digits[index]), let low = digit(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func digit(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39: UInt8(scalar.value - 0x30)
        case 0x41...0x46: UInt8(scalar.value - 0x41 + 10)
        case 0x61...0x66: UInt8(scalar.value - 0x61 + 10)
        default: nil
        }
    }
}
