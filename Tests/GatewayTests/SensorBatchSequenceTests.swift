import Capture
import FootfallCore
import Synchronization
import Testing

/// Which of a sensor gateway's batches were taken, and two sensor gateways sending as one sensor.
@Suite struct SensorBatchSequenceTests {
    /// Two sensor gateways with one sensor's id and token send its batches from two streams in
    /// turn: said once. A restart (a new stream, and one late request of the old) is not.
    @Test func twoSendersOfOneSensorAreSaidOnceAndARestartIsNot() {
        let said = Mutex<[SensorID]>([])
        let repeats = SensorBatchSequence(onInterleaved: { sensor in said.withLock { $0.append(sensor) } })
        // A restart of s1's sensor gateway: stream a, then b, a late request of a, then b on.
        _ = repeats.take(sensor: "s1", stream: "a", seq: 0, count: 10)
        _ = repeats.take(sensor: "s1", stream: "b", seq: 0, count: 10)
        _ = repeats.take(sensor: "s1", stream: "a", seq: 10, count: 10)
        for i in 1..<30 { _ = repeats.take(sensor: "s1", stream: "b", seq: UInt64(10 * i), count: 10) }
        // And another restart later, with its late request: restarts are not two senders.
        _ = repeats.take(sensor: "s1", stream: "c", seq: 0, count: 10)
        _ = repeats.take(sensor: "s1", stream: "b", seq: 300, count: 10)
        for i in 1..<5 { _ = repeats.take(sensor: "s1", stream: "c", seq: UInt64(10 * i), count: 10) }
        #expect(said.withLock { $0 }.isEmpty)
        // s2 sent by two gateways at once: their batches alternate.
        for i in 0..<20 {
            _ = repeats.take(sensor: "s2", stream: "x", seq: UInt64(10 * i), count: 10)
            #expect(repeats.take(sensor: "s2", stream: "y", seq: UInt64(10 * i), count: 10) == 0, "each stream's own numbers: nothing left out")
        }
        #expect(said.withLock { $0 } == ["s2"])
    }

    /// The marks kept at a stop, taken back into marks made since: each stream at the further
    /// of its two numbers, the kept streams before the newer ones, at most four a sensor.
    @Test func keptMarksTakenBackJoinTheMarksMadeSince() throws {
        let before = SensorBatchSequence()
        _ = before.take(sensor: "s1", stream: "a", seq: 0, count: 3)
        for stream in ["p", "q", "r", "s"] { _ = before.take(sensor: "s2", stream: stream, seq: 0, count: 1) }
        let after = SensorBatchSequence()
        _ = after.take(sensor: "s1", stream: "a", seq: 0, count: 1)
        _ = after.take(sensor: "s1", stream: "b", seq: 0, count: 5)
        try after.restore(before.kept())
        #expect(after.take(sensor: "s1", stream: "a", seq: 0, count: 3) == 3, "a at 3, the kept number")
        #expect(after.take(sensor: "s1", stream: "b", seq: 0, count: 5) == 5, "b made since, kept")
        #expect(after.take(sensor: "s2", stream: "s", seq: 0, count: 1) == 1)
        #expect(throws: (any Error).self) { try after.restore(Array("[1,2]".utf8)) }
    }

    /// A batch marked taken that could not be passed on (the gateway stopping) is unmarked, so
    /// that sent again it is taken; a later batch of the stream taken meanwhile keeps its mark.
    @Test func aBatchNotPassedOnIsUnmarked() {
        let repeats = SensorBatchSequence()
        _ = repeats.take(sensor: "s1", stream: "a", seq: 0, count: 2)
        let repeated = repeats.take(sensor: "s1", stream: "a", seq: 1, count: 3)
        #expect(repeated == 1)
        repeats.untake(sensor: "s1", stream: "a", seq: 1, count: 3, repeated: repeated)
        #expect(repeats.take(sensor: "s1", stream: "a", seq: 1, count: 3) == 1, "0 and 1 taken before, 2 and 3 not")
        _ = repeats.take(sensor: "s1", stream: "a", seq: 4, count: 2)
        repeats.untake(sensor: "s1", stream: "a", seq: 1, count: 3, repeated: 1)
        #expect(repeats.take(sensor: "s1", stream: "a", seq: 0, count: 6) == 6, "a later batch taken since: left as it was")
    }
}
