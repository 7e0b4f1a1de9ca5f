import FootfallCore
import Foundation
import Metrics
import Synchronization

/// Which of a sensor gateway's observations were taken already. A sensor gateway numbers each
/// sensor's observations in order (`seq`, the batch's first; docs/api.md) within a `stream` it
/// draws at each start; a batch it sends again — taken, but the answer lost, or delivered twice
/// by a broker at QoS 1 — starts below the number after the last one taken, and that part is
/// left out. A new stream (the sensor gateway restarted, or a second one sends for the sensor)
/// is taken whole; the last few streams of each sensor are remembered, so that two senders of
/// one sensor, or a late request of a sensor gateway's previous run, do not undo each other's
/// marks. A gap (the sensor gateway's buffer dropped its oldest) is only a gap. A batch without
/// numbers (an older sensor gateway, another sender) is taken whole, as before.
public final class SensorBatchSequence: Sendable {
    struct Mark: Codable {
        var stream: String
        /// The number after the last observation taken.
        var next: UInt64
    }

    /// Each sensor's streams, the one used last at the end.
    private let marks = Mutex<[SensorID: [Mark]]>([:])
    /// Streams remembered per sensor.
    static let streamsKept = 4
    private let factory: (any MetricsFactory)?
    private let counters = Mutex<[SensorID: Counter]>([:])
    /// Each sensor's batches that came from a stream other than the last one's, a stream seen
    /// before: two sensor gateways sending as one sensor, in turn.
    private let switches = Mutex<[SensorID: (count: Int, streak: Int)]>([:])
    /// Batches in a row from one stream after which a sensor's switches are forgotten: a
    /// restart's late request or two, months apart, are not two senders.
    static let streakThatClears = 20
    private let onInterleaved: (@Sendable (SensorID) -> Void)?
    /// Switches back to an earlier stream before a sensor is said to have two senders: a
    /// restart's late request switches back once, two senders at every batch.
    static let switchesBeforeWarning = 3

    /// `factory`: where `footfall_observations_repeated_total{sensor}` is counted (none without).
    /// `onInterleaved`: called once for a sensor whose batches come from two streams in turn —
    /// two sensor gateways with the same sensor (its token copied), whose radios in two places
    /// the locator then takes for one sensor.
    public init(factory: (any MetricsFactory)? = nil, onInterleaved: (@Sendable (SensorID) -> Void)? = nil) {
        self.factory = factory
        self.onInterleaved = onInterleaved
    }

    /// How many of the first observations of a batch of `count` from `sensor`, numbered from
    /// `seq` in `stream`, were taken already; the rest count as taken from now. Call it once the
    /// batch is accepted.
    public func take(sensor: SensorID, stream: String?, seq: UInt64?, count: Int) -> Int {
        guard let stream, let seq, count > 0 else { return 0 }
        let end = seq.addingReportingOverflow(UInt64(count))
        let next = end.overflow ? UInt64.max : end.partialValue
        var switchedBack = false
        let repeated = marks.withLock { marks -> Int in
            var streams = marks[sensor] ?? []
            var mark = Mark(stream: stream, next: 0)
            if let index = streams.firstIndex(where: { $0.stream == stream }) {
                mark = streams.remove(at: index)
                switchedBack = index < streams.count
            }
            let repeated = mark.next > seq ? Int(min(mark.next - seq, UInt64(count))) : 0
            mark.next = max(mark.next, next)
            streams.append(mark)
            if streams.count > Self.streamsKept { streams.removeFirst() }
            marks[sensor] = streams
            return repeated
        }
        if let onInterleaved {
            let switched = switches.withLock { switches -> Int in
                var entry = switches[sensor] ?? (0, 0)
                if switchedBack {
                    entry.count += 1
                    entry.streak = 0
                } else {
                    entry.streak += 1
                    if entry.streak >= Self.streakThatClears { entry.count = 0 }
                }
                switches[sensor] = entry
                return switchedBack ? entry.count : 0
            }
            if switched == Self.switchesBeforeWarning { onInterleaved(sensor) }
        }
        if repeated > 0, let factory {
            let counter = counters.withLock { counters in
                if let known = counters[sensor] { return known }
                let made = Counter(label: Self.metric, dimensions: [("sensor", sensor.rawValue)], factory: factory)
                counters[sensor] = made
                return made
            }
            counter.increment(by: Int64(repeated))
        }
        return repeated
    }

    /// Undoes a `take` of the same batch that answered `repeated`, when the batch could not be
    /// passed on after all (the gateway stopping): the sensor gateway sends it again and it
    /// must be taken then. Left as it is when a later batch of the stream was taken since.
    public func untake(sensor: SensorID, stream: String?, seq: UInt64?, count: Int, repeated: Int) {
        guard let stream, let seq, count > 0 else { return }
        let end = seq.addingReportingOverflow(UInt64(count))
        let next = end.overflow ? UInt64.max : end.partialValue
        marks.withLock { marks in
            guard let index = marks[sensor]?.firstIndex(where: { $0.stream == stream }), marks[sensor]![index].next == next else { return }
            marks[sensor]![index].next = seq + UInt64(repeated)
        }
    }

    /// The marks, to keep across a stop of the gateway (`restore`): a batch whose answer was
    /// lost as the gateway stopped is sent again to the gateway started again, and was taken.
    /// Sensor ids, stream names and numbers only (JSON).
    public func kept() -> [UInt8] {
        let marks = marks.withLock { $0.map { ($0.key.rawValue, $0.value) } }
        return (try? Array(JSONEncoder().encode(Dictionary(uniqueKeysWithValues: marks)))) ?? []
    }

    /// Takes back what `kept` gave: each sensor's streams marked before those marked since (the
    /// last `streamsKept` of them kept), each at the further of its two numbers. Throws when
    /// `value` is not what `kept` gives.
    public func restore(_ value: [UInt8]) throws {
        let kept = try JSONDecoder().decode([String: [Mark]].self, from: Data(value))
        marks.withLock { marks in
            for (sensor, streams) in kept {
                let id = SensorID(sensor)
                var merged = streams.filter { old in !(marks[id] ?? []).contains { $0.stream == old.stream } }
                for var mark in marks[id] ?? [] {
                    if let old = streams.first(where: { $0.stream == mark.stream }) { mark.next = max(mark.next, old.next) }
                    merged.append(mark)
                }
                marks[id] = Array(merged.suffix(Self.streamsKept))
            }
        }
    }

    /// What the gateway logs of a sensor two sensor gateways send as.
    public static func interleavedWarning(_ sensor: SensorID) -> String {
        "sensor \(sensor)'s batches come from two sensor gateways in turn (two streams): their radios, in two places, are being placed as one sensor at its position; give each gateway's sensors ids and tokens of their own"
    }

    /// The longest stream name taken (characters).
    public static let longestStream = 128
    /// The highest `seq` taken: a whole number a JSON reader keeps exactly.
    public static let highestSeq = 9_007_199_254_740_991.0

    /// What is wrong with a batch's `stream` and `seq`, or nil: both or neither, a stream of at
    /// most `longestStream` characters, a whole `seq` from 0 to 2^53 − 1.
    public static func problem(stream: String?, seq: Double?) -> (field: String, message: String)? {
        switch (stream, seq) {
        case (nil, nil):
            return nil
        case (nil, .some):
            return ("stream", "missing beside seq; send both (the sensor gateway's stream and its first observation's number) or neither")
        case (.some, nil):
            return ("seq", "missing beside stream; send both (the sensor gateway's stream and its first observation's number) or neither")
        case (.some(let stream), .some(let seq)):
            if stream.isEmpty || stream.count > longestStream {
                return ("stream", "\(stream.count) characters; a stream is 1 to \(longestStream)")
            }
            if !(seq >= 0 && seq <= highestSeq && seq == seq.rounded()) {
                return ("seq", "\(seq) is not a whole number from 0 to 2^53 - 1")
            }
            return nil
        }
    }

    static let metric = "footfall_observations_repeated_total"
    public static let help: [String: String] = [
        metric: "Observations a sensor gateway sent again (a batch taken whose answer was lost, or a broker's repeat), left out, per sensor.",
    ]
}
