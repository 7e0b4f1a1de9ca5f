import WiFi

/// Some top-level members of a JSON object, read without building the document: a node's report
/// is a flat object of a dozen numbers and short strings, of which a decoder needs three or four,
/// and `JSONValue.parse` would make a dictionary and a string for every one.
///
/// Only the plainest JSON is read here: one object whose values are numbers, strings without
/// escapes, `true`, `false` or `null`. Anything else — a nested value, an escape, a syntax error —
/// gives nil, and the caller parses the payload with `JSONValue.parse`, which reads all JSON and
/// says what is wrong with it; what is read here is what that parser would read (the same
/// whitespace, number syntax and conversion, the last of a repeated name), so the decoders give
/// the same observations and the same errors either way.
enum FlatJSONObject {
    /// The values of `names` (UTF-8 bytes of each) in `payload`, nil for a name not there; nil
    /// when the payload is not a flat object this reads.
    static func members(_ payload: [UInt8], _ names: [[UInt8]]) -> [JSONValue?]? {
        payload.withUnsafeBufferPointer { bytes in read(bytes, names) }
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, _ names: [[UInt8]]) -> [JSONValue?]? {
        let quote = UInt8(ascii: "\""), end = bytes.count
        var offset = 0
        var found = [JSONValue?](repeating: nil, count: names.count)
        func skipWhitespace() {
            while offset < end, bytes[offset] == 0x20 || bytes[offset] == 0x09 || bytes[offset] == 0x0A || bytes[offset] == 0x0D { offset += 1 }
        }
        /// The bytes of a string without escapes or control characters, `offset` on its quote.
        func string() -> Range<Int>? {
            let start = offset + 1
            var index = start
            while index < end, bytes[index] != quote {
                if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x20 { return nil }
                index += 1
            }
            guard index < end else { return nil }
            offset = index + 1
            return start..<index
        }
        func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
            let count = word.utf8CodeUnitCount
            guard end - offset >= count else { return nil }
            for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { return nil }
            offset += count
            return value
        }

        skipWhitespace()
        guard offset < end, bytes[offset] == UInt8(ascii: "{") else { return nil }
        offset += 1
        skipWhitespace()
        if offset < end, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                skipWhitespace()
                guard offset < end, bytes[offset] == quote, let name = string() else { return nil }
                skipWhitespace()
                guard offset < end, bytes[offset] == UInt8(ascii: ":") else { return nil }
                offset += 1
                skipWhitespace()
                guard offset < end else { return nil }
                let value: JSONValue?
                switch bytes[offset] {
                case quote:
                    value = string().map { .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self)) }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    // As JSONValue reads a number: the longest run of these bytes, as a Double.
                    let start = offset
                    while offset < end, "+-0123456789.eE".utf8.contains(bytes[offset]) { offset += 1 }
                    let number = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
                    value = number.flatMap { $0.isFinite ? .number($0) : nil }
                case UInt8(ascii: "t"): value = literal("true", .bool(true))
                case UInt8(ascii: "f"): value = literal("false", .bool(false))
                case UInt8(ascii: "n"): value = literal("null", .null)
                default: value = nil
                }
                guard let value else { return nil }
                if let index = names.firstIndex(where: { $0.elementsEqual(UnsafeBufferPointer(rebasing: bytes[name])) }) {
                    found[index] = value
                }
                skipWhitespace()
                guard offset < end else { return nil }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "}") { offset += 1; break }
                return nil
            }
        }
        skipWhitespace()
        return offset == end ? found : nil
    }
}
