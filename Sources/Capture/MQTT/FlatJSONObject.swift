import WiFi

/// Some top-level members of a JSON object, read without building the document: a node's report
/// is a flat object of a dozen numbers and short strings, of which a decoder needs three or four,
/// and `JSONValue.parse` would make a dictionary and a string for every one. A sensor gateway's
/// batch is such an object with one member an array of flat objects, one a reading, and is read
/// the same way (`batch`).
///
/// Only the plainest JSON is read here: one object whose values are numbers, strings without
/// escapes, `true`, `false` or `null` (and, in a batch, the one array of such objects). Anything
/// else — a nested value, an escape, a syntax error — gives nil, and the caller parses the
/// payload with `JSONValue.parse`, which reads all JSON and says what is wrong with it; what is
/// read here is what that parser would read (the same whitespace, number syntax and conversion,
/// the last of a repeated name), so the decoders give the same observations and the same errors
/// either way.
enum FlatJSONObject {
    /// The values of `names` (UTF-8 bytes of each) in `payload`, nil for a name not there; nil
    /// when the payload is not a flat object this reads.
    static func members(_ payload: [UInt8], _ names: [[UInt8]]) -> [JSONValue?]? {
        read(payload, names, array: nil)?.members
    }

    /// The values of `names` in `payload` and, when its member `array` is an array of flat
    /// objects, the values of `itemNames` in each of them (nil when that member is missing or is
    /// a number, a string or a literal, as `JSONValue`'s `.array` would be); nil when the payload
    /// is not such an object.
    /// `strict`: read only what every JSON decoder reads the same, giving nil (so the caller
    /// decodes it whole) for a name read twice, a number outside RFC 8259's grammar (`01`,
    /// `1.`, `.5`) and a string that is not UTF-8, where decoders differ: `JSONValue` takes the
    /// last of a repeated name and Swift's number reading, Foundation's `JSONDecoder` the first
    /// and the grammar alone.
    static func batch(_ payload: [UInt8], _ names: [[UInt8]], array: [UInt8], items itemNames: [[UInt8]], strict: Bool = false)
        -> (members: [JSONValue?], items: [[JSONValue?]]?)?
    {
        read(payload, names, array: (array, itemNames), strict: strict)
    }

    private static func read(_ payload: [UInt8], _ names: [[UInt8]], array: (name: [UInt8], items: [[UInt8]])?, strict: Bool = false)
        -> (members: [JSONValue?], items: [[JSONValue?]]?)?
    {
        payload.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes, strict: strict)
            guard let found = reader.object(names, array: array), reader.atEnd else { return nil }
            return found
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let strict: Bool
        var offset = 0
        static let quote = UInt8(ascii: "\"")

        var atEnd: Bool {
            mutating get {
                skipWhitespace()
                return offset == bytes.count
            }
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x09 || bytes[offset] == 0x0A || bytes[offset] == 0x0D {
                offset += 1
            }
        }

        /// Whether `number` follows RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        static func isStrictNumber(_ number: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0
            func digits() -> Int {
                let start = i
                while i < number.count, number[i] >= UInt8(ascii: "0"), number[i] <= UInt8(ascii: "9") { i += 1 }
                return i - start
            }
            if i < number.count, number[i] == UInt8(ascii: "-") { i += 1 }
            guard i < number.count else { return false }
            if number[i] == UInt8(ascii: "0") {
                i += 1
            } else if digits() == 0 {
                return false
            }
            if i < number.count, number[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { return false }
            }
            if i < number.count, number[i] == UInt8(ascii: "e") || number[i] == UInt8(ascii: "E") {
                i += 1
                if i < number.count, number[i] == UInt8(ascii: "+") || number[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { return false }
            }
            return i == number.count
        }

        /// The bytes of a string without escapes or control characters, `offset` on its quote.
        mutating func string() -> Range<Int>? {
            let start = offset + 1
            var index = start
            while index < bytes.count, bytes[index] != Self.quote {
                if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            offset = index + 1
            return start..<index
        }

        mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
            let count = word.utf8CodeUnitCount
            guard bytes.count - offset >= count else { return nil }
            for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { return nil }
            offset += count
            return value
        }

        /// A number, a string without escapes or a literal at `offset`; nil for anything else.
        mutating func scalar() -> JSONValue? {
            guard offset < bytes.count else { return nil }
            switch bytes[offset] {
            case Self.quote:
                guard let range = string() else { return nil }
                let text = UnsafeBufferPointer(rebasing: bytes[range])
                if strict {
                    return String(validating: text, as: UTF8.self).map { .string($0) }
                }
                return .string(String(decoding: text, as: UTF8.self))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // As JSONValue reads a number: the longest run of these bytes, as a Double.
                let start = offset
                while offset < bytes.count, JSONValue.isNumberByte(bytes[offset]) { offset += 1 }
                if strict, !Self.isStrictNumber(UnsafeBufferPointer(rebasing: bytes[start..<offset])) { return nil }
                let number = JSONValue.number(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
                return number.flatMap { $0.isFinite ? .number($0) : nil }
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return nil
            }
        }

        /// The object at `offset`: the values of `names`, and, when `array` names a member,
        /// the values of its item names in each flat object of that member's array.
        mutating func object(_ names: [[UInt8]], array: (name: [UInt8], items: [[UInt8]])?)
            -> (members: [JSONValue?], items: [[JSONValue?]]?)?
        {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "{") else { return nil }
            offset += 1
            var found = [JSONValue?](repeating: nil, count: names.count)
            var items: [[JSONValue?]]?
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return (found, items)
            }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == Self.quote, let name = string() else { return nil }
                let key = UnsafeBufferPointer(rebasing: bytes[name])
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { return nil }
                offset += 1
                skipWhitespace()
                if let array, offset < bytes.count, bytes[offset] == UInt8(ascii: "["), array.name.elementsEqual(key) {
                    if strict, items != nil { return nil }
                    guard let read = objects(array.items) else { return nil }
                    items = read
                } else {
                    guard let value = scalar() else { return nil }
                    if let index = names.firstIndex(where: { $0.elementsEqual(key) }) {
                        if strict, found[index] != nil { return nil }
                        found[index] = value
                    }
                    // A repeated name's last value counts, as in JSONValue's dictionary.
                    if let array, array.name.elementsEqual(key) {
                        if strict, items != nil { return nil }
                        items = nil
                    }
                }
                skipWhitespace()
                guard offset < bytes.count else { return nil }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "}") { offset += 1; return (found, items) }
                return nil
            }
        }

        /// The array at `offset`, each element a flat object: the values of `names` in each.
        mutating func objects(_ names: [[UInt8]]) -> [[JSONValue?]]? {
            offset += 1
            var elements: [[JSONValue?]] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return elements
            }
            while true {
                guard let element = object(names, array: nil) else { return nil }
                elements.append(element.members)
                skipWhitespace()
                guard offset < bytes.count else { return nil }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "]") { offset += 1; return elements }
                return nil
            }
        }
    }
}
