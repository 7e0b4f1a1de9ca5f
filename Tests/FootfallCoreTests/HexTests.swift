import Foundation
import Testing

@testable import FootfallCore

struct HexTests {
    @Test func everyByteIsTwoLowerCaseDigitsAsPrintfWritesThem() {
        for byte in UInt8.min...UInt8.max {
            #expect(Hex.lowercase([byte]) == String(format: "%02x", byte))
        }
    }

    @Test func bytesAreWrittenInOrderAndNothingIsWrittenForNone() {
        #expect(Hex.lowercase([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.lowercase([UInt8]()) == "")
        #expect(Hex.lowercase([0xde, 0xad, 0xbe, 0xef].prefix(2)) == "dead")
    }
}
