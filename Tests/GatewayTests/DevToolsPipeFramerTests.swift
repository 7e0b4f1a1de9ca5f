import FootfallTesting
import Testing

/// The NUL framing of Chromium's `--remote-debugging-pipe`, which the map test relies on.
@Suite struct DevToolsPipeFramerTests {
    static let stream = Array(#"{"id":1,"result":{}}"#.utf8) + [0] + Array(#"{"method":"Page.loadEventFired","params":{"timestamp":1.5}}"#.utf8) + [0]
        + Array(#"{"id":2,"#.utf8)

    static let expected = [#"{"id":1,"result":{}}"#, #"{"method":"Page.loadEventFired","params":{"timestamp":1.5}}"#]

    @Test func twoMessagesAndAPartOneFedWholeGiveTheTwoAndKeepThePart() {
        var framer = DevToolsPipeFramer()
        let messages = framer.append(Self.stream).map { String(decoding: $0, as: UTF8.self) }
        #expect(messages == Self.expected)
        #expect(framer.unterminatedCount == #"{"id":2,"#.utf8.count)
    }

    @Test func theSameBytesFedOneAtATimeGiveTheSameMessages() {
        var framer = DevToolsPipeFramer()
        let messages = Self.stream.flatMap { framer.append([$0]) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(messages == Self.expected)
        #expect(framer.unterminatedCount == #"{"id":2,"#.utf8.count)
    }

    @Test func aFramedMessageEndsInOneNUL() {
        #expect(DevToolsPipeFramer.frame(Array("{}".utf8)) == [0x7B, 0x7D, 0])
    }
}
