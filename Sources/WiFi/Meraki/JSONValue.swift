/// A JSON document (RFC 8259), parsed from bytes with errors that give the byte offset. The
/// Meraki decoder needs only this much; it keeps the WiFi module free of Foundation. The MQTT
/// sources (Capture) read their payloads with it too.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var number: Double? { if case .number(let n) = self { return n }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var isNull: Bool { self == .null }

    /// Whether `byte` may stand in a number as `parse` reads one: it takes the longest run of
    /// these bytes and converts it with `number(_:)`.
    @inlinable
    public static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    /// A run of number bytes as `Double(String)` reads it (nil where that gives nil). A whole
    /// number of up to 15 digits, with at most a leading minus, is read digit by digit, without
    /// making a string: every such number is exact in a Double, so the value is the same, and it
    /// is what RSSI readings, channels and most times are.
    public static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let negative = bytes.first == UInt8(ascii: "-")
        var index = negative ? 1 : 0
        if bytes.count - index > 0, bytes.count - index <= 15 {
            var whole: Int64 = 0
            while index < bytes.count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                whole = whole * 10 + Int64(digit)
                index += 1
            }
            if index == bytes.count { return negative ? -Double(whole) : Double(whole) }
        }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    public struct SyntaxError: Error, Hashable, Sendable {
        public var offset: Int
        public var message: String
    }

    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else {
            throw SyntaxError(offset: parser.offset, message: "unexpected '\(Parser.printable(bytes[parser.offset]))' after the document")
        }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var offset = 0
        static let maximumDepth = 256

        init(bytes: [UInt8]) { self.bytes = bytes }

        static func printable(_ byte: UInt8) -> String {
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16)
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x09 || bytes[offset] == 0x0A || bytes[offset] == 0x0D {
                offset += 1
            }
        }

        func fail(_ message: String) -> SyntaxError { SyntaxError(offset: offset, message: message) }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth < Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
            guard offset < bytes.count else { throw fail("the document ends where a value was expected") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected '\(Self.printable(bytes[offset]))' where a value was expected")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            let expected = Array(word.utf8)
            guard bytes.count - offset >= expected.count, Array(bytes[offset..<offset + expected.count]) == expected else {
                // Text that is not JSON at all ("not json", a plain-text error page) starts
                // like a literal; say so rather than that one word was expected.
                throw fail("a word that is not a JSON value (only true, false and null are; is this JSON at all?)")
            }
            offset += expected.count
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
            offset += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
                let key = try string()
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("expected ':' after member \"\(key)\"") }
                offset += 1
                skipWhitespace()
                members[key] = try value(depth: depth + 1)
                skipWhitespace()
                guard offset < bytes.count else { throw fail("the document ends inside an object") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
                throw fail("expected ',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
            offset += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard offset < bytes.count else { throw fail("the document ends inside an array") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(elements) }
                throw fail("expected ',' or ']' in an array")
            }
        }

        mutating func number() throws(SyntaxError) -> Double {
            let start = offset
            while offset < bytes.count, JSONValue.isNumberByte(bytes[offset]) { offset += 1 }
            let end = offset
            let number = bytes.withUnsafeBufferPointer { JSONValue.number(UnsafeBufferPointer(rebasing: $0[start..<end])) }
            guard let value = number, value.isFinite else {
                offset = start
                throw fail("'\(String(decoding: bytes[start..<end], as: UTF8.self))' is not a number")
            }
            return value
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - offset >= 4 else { throw fail("\\u needs four hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("\\u needs four hex digits")
                }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }

        mutating func string() throws(SyntaxError) -> String {
            offset += 1
            var scalars: [UInt8] = []
            while true {
                guard offset < bytes.count else { throw fail("the document ends inside a string") }
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") { offset += 1; break }
                if byte < 0x20 { throw fail("control character 0x\(String(byte, radix: 16)) inside a string") }
                guard byte == UInt8(ascii: "\\") else { scalars.append(byte); offset += 1; continue }
                offset += 1
                guard offset < bytes.count else { throw fail("the document ends inside an escape") }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), bytes.count - offset >= 6,
                       bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                        offset += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00) & 0x3FF
                    }
                    scalars.append(contentsOf: String(Character(UnicodeScalar(code) ?? "\u{FFFD}")).utf8)
                default:
                    offset -= 1
                    throw fail("unknown escape '\\\(Self.printable(escape))'")
                }
            }
            return String(decoding: scalars, as: UTF8.self)
        }
    }
}
