import BLE
import NIOCore
import Testing

@Suite struct H4FrameDecoderTests {
    static let reset = HCICommand.reset.h4Bytes
    static let complete: [UInt8] = [0x04, 0x0E, 0x04, 0x01, 0x03, 0x0C, 0x00]
    static let report: [UInt8] = [0x04, 0x3E, 0x0C, 0x02, 0x01, 0x00, 0x01, 1, 2, 3, 4, 5, 0xC6, 0x00, 0xB5]

    @Test func packetsFedWholeAndOneByteAtATimeAreTheSame() {
        let stream = Self.complete + Self.report + Self.reset + Self.report
        let whole = H4Harness.frame([stream])
        #expect(whole.count == 4)
        #expect(whole.map(\.type) == [.event, .event, .command, .event])
        #expect(H4Harness.frame(stream.map { [$0] }) == whole)
    }

    @Test func garbageBetweenPacketsIsSkippedAndCounted() {
        let garbage: [UInt8] = [0x00, 0xFF, 0x17, 0x99, 0x42]
        let stream = garbage + Self.complete + garbage + Self.report + garbage
        var decoder = H4FrameDecoder(accepting: [.event])
        decoder.feed(stream)
        var packets: [H4Packet] = []
        while let packet = decoder.next() { packets.append(packet) }
        #expect(packets.map(\.bytes) == [Self.complete, Self.report])
        #expect(decoder.skippedBytes == 15)
        #expect(H4Harness.frame(stream.map { [$0] }, accepting: [.event]) == packets)
    }

    @Test func anEventTypeByteInsideGarbageDoesNotSwallowTheNextPacket() {
        // 0x04 0x3E 0x04 0x02 claims an advertising report event that does not decode; one byte
        // later, 0x04 0x02 would be an Inquiry Result, which an LE host does not expect.
        let stream: [UInt8] = [0x04, 0x3E, 0x04, 0x02] + Self.report
        var decoder = H4FrameDecoder(accepting: [.event], eventCodes: H4FrameDecoder.lowEnergyHostEvents)
        decoder.feed(stream)
        #expect(decoder.next()?.bytes == Self.report)
        #expect(decoder.skippedBytes == 4)
    }

    @Test func aPartialPacketWaitsForTheRest() {
        var decoder = H4FrameDecoder()
        decoder.feed(Self.report.prefix(6))
        #expect(decoder.next() == nil)
        decoder.feed(Self.report.dropFirst(6))
        #expect(decoder.next()?.bytes == Self.report)
    }
}
