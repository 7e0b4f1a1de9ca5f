import Testing
@testable import WiFi

/// `JSONValue.number` reads whole numbers digit by digit instead of through a string; every
/// number must come out as `Double(String)` makes it, bit for bit, and every run that is not
/// a number must still fail.
@Suite struct JSONNumberTests {
    static func number(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { JSONValue.number($0) }
    }

    static func sameBits(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): a.bitPattern == b.bitPattern
        default: false
        }
    }

    @Test(arguments: [
        "0", "-0", "7", "-67", "-100", "2412", "007", "-007",
        "123456789012345", "-123456789012345", "999999999999999",  // 15 digits: read directly
        "1234567890123456", "9007199254740993", "-99999999999999999999",  // longer: through the string
        "1.5", "-67.25", "1767603600.123", "1e3", "1E-3", "-0.0", "+5", "1-2", "-", "--1", ".", "e", "",
    ])
    func everyRunReadsAsDoubleOfItsTextReadsIt(text: String) {
        #expect(Self.sameBits(Self.number(text), Double(text)), "\(text)")
    }

    @Test func wholeNumbersFromOneToFifteenDigitsMatchTheirStringsBitForBit() {
        // A deterministic spread of magnitudes and signs rather than every number.
        var generator = SplitMix(seed: 15)
        for digits in 1...15 {
            for _ in 0..<200 {
                var text = generator.next() % 2 == 0 ? "-" : ""
                for _ in 0..<digits { text.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(generator.next() % 10)))) }
                #expect(Self.sameBits(Self.number(text), Double(text)), "\(text)")
            }
        }
    }

    @Test func aDocumentsNumbersAreItsTextsAndANonNumberIsNamedWithItsOffset() throws {
        let document = try JSONValue.parse(Array(#"{"rssi": -67, "time": 1767603600.125, "channel": 2412, "x": -0, "big": 12345678901234567}"#.utf8))
        #expect(document["rssi"]?.number == -67)
        #expect(document["time"]?.number == 1767603600.125)
        #expect(document["channel"]?.number == 2412)
        #expect(document["x"]?.number?.sign == .minus)
        #expect(document["big"]?.number == Double("12345678901234567"))
        #expect(throws: JSONValue.SyntaxError(offset: 9, message: "'1-2' is not a number")) {
            try JSONValue.parse(Array(#"{"rssi": 1-2}"#.utf8))
        }
    }
}

/// SplitMix64: a small seeded generator, so the test reads the same numbers on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
