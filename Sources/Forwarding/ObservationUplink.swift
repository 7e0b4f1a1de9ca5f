import AsyncHTTPClient
import CoreMetrics
import FootfallCore
import Foundation
import Logging
import Metrics
import Synchronization

/// A sensor gateway's link to the store's locating gateway: observations wait in a bounded
/// buffer and go up in batches (`POST /api/observations`, one sensor per request, with that
/// sensor's token). While the locating gateway is unreachable or refusing, the batch is kept
/// and retried with back-off; when the buffer is full the oldest observations are dropped and
/// counted (`footfall_uplink_dropped_total`) — never the newest, which matter most to a
/// position now.
public final class ObservationUplink: Sendable {
    public struct Options: Sendable {
        public var url: String
        public var tokens: [String: String]
        public var batchSize: Int
        public var maxBuffer: Int
        public var flushInterval: Duration
        public var backoff: Backoff
        /// For an https URL: the PEM file whose certificates alone are trusted to be the
        /// locating gateway (`upstream.ca_file`); the system's roots otherwise.
        public var caFile: String?
        public init(url: String, tokens: [String: String], batchSize: Int = 500, maxBuffer: Int = 200_000,
                    flushInterval: Duration = .milliseconds(500), backoff: Backoff = Backoff(base: .milliseconds(250), cap: .seconds(30)),
                    caFile: String? = nil) {
            self.url = url
            self.caFile = caFile
            self.tokens = tokens
            self.batchSize = max(1, batchSize)
            self.maxBuffer = max(1, maxBuffer)
            self.flushInterval = flushInterval
            self.backoff = backoff
        }
    }

    /// Sends one batch body of `sensor`'s: the HTTP transport, or a broker (`publishing(to:store:)`).
    public typealias Send = @Sendable (_ sensor: SensorID, _ body: [UInt8], _ token: String?) async -> DeliveryOutcome

    /// An observation waiting, with its number among its sensor's (`seq` in the batch format).
    struct Entry {
        var observation: Observation
        var seq: UInt64
    }

    struct State {
        /// Buffered observations, oldest first, from `head` on; `first` numbers `buffer[head]`.
        var buffer: [Entry] = []
        var head = 0
        var first: UInt64 = 0
        /// The number each sensor's next observation gets: each sensor's observations are
        /// numbered in order from 0 at each start, and the buffer holds an unbroken run of each
        /// sensor's (only its oldest leave, sent or dropped), so a batch names its first.
        var nextSeq: [SensorID: UInt64] = [:]
        var dropped = 0
        var sent = 0
        var lastFailure: String?
        /// Observations buffered of each sensor.
        var bySensor: [SensorID: Int] = [:]
        /// Sensors refused and not yet due again (`run` sets it): theirs wait, and do not count
        /// towards a batch's filling.
        var held: Set<SensorID> = []
        /// The numbers of the batch out: drop-oldest taking one of them counts it dropped only
        /// if the batch did not deliver it (`droppedInFlight`).
        var inFlight: Set<UInt64> = []
        var droppedInFlight: Set<UInt64> = []

        var count: Int { buffer.count - head }

        /// Buffered observations of sensors not held: what a batch can take now.
        var sendable: Int { held.isEmpty ? count : count - held.reduce(0) { $0 + bySensor[$1, default: 0] } }

        mutating func append(_ observation: Observation) {
            let seq = nextSeq[observation.sensor, default: 0]
            nextSeq[observation.sensor] = seq + 1
            buffer.append(Entry(observation: observation, seq: seq))
            bySensor[observation.sensor, default: 0] += 1
        }

        /// Drops the oldest `n` (the buffer full): the number dropped that were not in flight.
        mutating func dropOldest(_ n: Int) -> Int {
            let n = min(n, count)
            var counted = n
            if !inFlight.isEmpty {
                for number in first..<(first + UInt64(n)) where inFlight.contains(number) {
                    droppedInFlight.insert(number)
                    counted -= 1
                }
            }
            removeFirst(n)
            return counted
        }

        private mutating func forget(_ entry: Entry) {
            let sensor = entry.observation.sensor
            let left = bySensor[sensor, default: 1] - 1
            bySensor[sensor] = left > 0 ? left : nil
        }

        /// The oldest `n` and the number of the first of them.
        func prefix(_ n: Int) -> (UInt64, [Entry]) { (first, Array(buffer[head..<(head + min(n, count))])) }

        /// The next batch: the oldest `n` of the sensors not `held` (refused, and not yet due
        /// to be tried again), with each one's place from the front and the front's number.
        func batch(_ n: Int, holding held: Set<SensorID>) -> (number: UInt64, places: [Int], entries: [Entry]) {
            guard !held.isEmpty else {
                let (number, entries) = prefix(n)
                return (number, Array(0..<entries.count), entries)
            }
            var places: [Int] = [], entries: [Entry] = []
            for index in head..<buffer.count where entries.count < n && !held.contains(buffer[index].observation.sensor) {
                places.append(index - head)
                entries.append(buffer[index])
            }
            return (first, places, entries)
        }

        mutating func removeFirst(_ n: Int) {
            let n = min(n, count)
            for index in head..<(head + n) { forget(buffer[index]) }
            head += n
            first += UInt64(n)
            // Compact once the consumed front outweighs what is left.
            if head > 4096, head * 2 > buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
        }

        /// Removes the observations numbered below `end` that are still here.
        mutating func removeThrough(_ end: UInt64) {
            if end > first { removeFirst(Int(end - first)) }
        }

        /// Removes the observations at `places` of the batch whose first was numbered `number`,
        /// those still here (drop-oldest may have taken some meanwhile). The rest keep their
        /// order; numbering carries on from the new front (no other batch is out).
        mutating func remove(_ places: [Int], ofBatchFrom number: UInt64) {
            let gone = Set(places.map { number + UInt64($0) }.filter { $0 >= first })
            guard !gone.isEmpty else { return }
            var kept: [Entry] = []
            kept.reserveCapacity(count - gone.count)
            for index in head..<buffer.count {
                if gone.contains(first + UInt64(index - head)) { forget(buffer[index]) } else { kept.append(buffer[index]) }
            }
            buffer = kept
            head = 0
            first += UInt64(gone.count)
        }
    }

    public let options: Options
    private let state = Mutex(State())
    private let wake = WakeSignal()
    private let stopped = WakeSignal()
    private let stopping = Mutex(false)
    private let send: Send
    private let logger: Logger
    /// `sent_at` of each batch, and the jitter of the back-off.
    private let timing: Timing
    private let metrics: UplinkMetrics
    /// The most observations a request of each sensor may carry, once the locating gateway
    /// refused one as too large (HTTP 413).
    private let requestLimits = Mutex<[SensorID: Int]>([:])
    /// This start's name for the numbering of each sensor's observations (`stream` in the batch
    /// format): the locating gateway leaves out what it took of a batch sent again, and takes a
    /// new stream (a restart) from its first.
    public let stream: String

    public init(options: Options, logger: Logger, metricsFactory: (any MetricsFactory)? = nil,
                timing: Timing = .live, send: Send? = nil) {
        self.options = options
        self.logger = logger
        self.timing = timing
        self.metrics = UplinkMetrics(factory: metricsFactory)
        self.stream = String(format: "%016llx%016llx", UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
        let url = options.url + "/api/observations"
        let client = options.caFile.map { HTTPClient.verifying(caFile: $0) } ?? .sinks
        self.send = send ?? { _, body, token in
            var request = HTTPTransport.Options(url: url, bearerToken: token)
            request.timeoutSetting = "the uplink's limit of 10 s a request"
            return await HTTPTransport(options: request, client: client, now: timing.now).send(body, contentType: "application/json")
        }
    }

    /// Takes an observation for the locating gateway; returns at once.
    public func append(_ observation: Observation) {
        let (dropped, depth, sendable) = state.withLock { state -> (Int, Int, Int) in
            state.append(observation)
            let dropped = state.dropOldest(max(0, state.count - options.maxBuffer))
            state.dropped += dropped
            return (dropped, state.count, state.sendable)
        }
        if dropped > 0 { metrics.dropped.increment(by: Int64(dropped)) }
        // The gauge now and then while it fills, not only at each attempt (an attempt may be
        // 30 s of back-off away during an outage).
        if dropped > 0 || depth & 255 == 0 { metrics.buffered.record(depth) }
        // A held sensor's readings do not fill a batch: woken by them, the loop would send the
        // others' a few at a time (audit).
        if sendable >= options.batchSize { wake.signal() }
    }

    public struct Status: Sendable, Hashable {
        public var buffered: Int
        public var sent: Int
        public var dropped: Int
        public var lastFailure: String?
    }

    public var status: Status {
        state.withLock { Status(buffered: $0.count, sent: $0.sent, dropped: $0.dropped, lastFailure: $0.lastFailure) }
    }

    /// No more observations will come: `run` sends what is buffered and returns (at the first
    /// failed attempt, reporting what is left behind).
    public func finish() {
        stopping.withLock { $0 = true }
        wake.signal()
        stopped.signal()
    }

    private func isStopping() -> Bool { stopping.withLock { $0 } }

    /// Sends until `finish()` and the buffer is empty, or (once finishing) until an attempt
    /// sends nothing: what is still buffered then is reported as left behind.
    ///
    /// The locating gateway down (or failing) is waited out with back-off, every sensor alike.
    /// A sensor it refuses (a token it does not know) is held back on its own back-off while
    /// the others go on at their pace: one wrong token must not throttle the gateway's sensors.
    public func run() async {
        var attempt = 0
        // Sensors refused: when each may be tried again (the monotonic clock: NTP stepping the
        // wall clock back, as the refusal of a clock ahead asks, must not hold them the length
        // of the step too) and how often it was.
        var refusedUntil: [SensorID: Double] = [:]
        var refusals: [SensorID: Int] = [:]
        while true {
            let held = Set(refusedUntil.filter { $0.value > timing.elapsed() }.keys)
            let (waiting, buffered) = state.withLock { state in
                state.held = held
                return (state.sendable, state.count)
            }
            if buffered == 0 {
                if isStopping() { return }
                await wake.wait(timeout: options.flushInterval)
                continue
            }
            if waiting == 0 {
                // All that is left belongs to sensors refused: the others' readings are taken as
                // they come (at the flush interval), and the first refused when it is due.
                if isStopping() {
                    logger.warning("stopping with observations not sent upstream", metadata: ["left": "\(status.buffered)"])
                    return
                }
                let due = (refusedUntil.values.min() ?? timing.elapsed()) - timing.elapsed()
                await wake.wait(timeout: .milliseconds(Int64(max(0.01, min(due, options.flushInterval / .seconds(1))) * 1000)))
                continue
            }
            if waiting < options.batchSize, !isStopping() {
                // Let a batch fill for up to the flush interval.
                await wake.wait(timeout: options.flushInterval)
            }
            let now = timing.elapsed()
            let (number, places, batch) = state.withLock { state in
                let batch = state.batch(options.batchSize, holding: held)
                state.inFlight = Set(batch.places.map { batch.number + UInt64($0) })
                return batch
            }
            guard !batch.isEmpty else { continue }
            let result = await deliver(batch)
            for index in result.places {
                refusals[batch[index].observation.sensor] = nil
                refusedUntil[batch[index].observation.sensor] = nil
            }
            for sensor in result.refused {
                refusals[sensor, default: 0] += 1
                let delay = options.backoff.delay(attempt: refusals[sensor]!, unit: 0.5 + 0.5 * timing.random())
                refusedUntil[sensor] = now + Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
            }
            let (left, lost) = state.withLock { state in
                // Drop-oldest may have taken part of the batch meanwhile; what is left of the
                // delivered part goes now.
                if result.places.count == batch.count, places.last == batch.count - 1 {
                    state.removeThrough(number + UInt64(batch.count))
                } else {
                    state.remove(result.places.map { places[$0] }, ofBatchFrom: number)
                }
                state.sent += result.delivered
                // Those drop-oldest took while out are dropped only if they did not arrive.
                let delivered = Set(result.places.map { number + UInt64(places[$0]) })
                let lost = state.droppedInFlight.subtracting(delivered).count
                state.dropped += lost
                state.inFlight.removeAll()
                state.droppedInFlight.removeAll()
                return (state.count, lost)
            }
            if lost > 0 { metrics.dropped.increment(by: Int64(lost)) }
            metrics.buffered.record(left)
            if result.delivered > 0 { metrics.sent.increment(by: Int64(result.delivered)) }
            guard let reason = result.failure else {
                attempt = 0
                if refusedUntil.isEmpty {
                    state.withLock { $0.lastFailure = nil }
                    metrics.healthy.record(1)
                }
                continue
            }
            metrics.failures.increment()
            metrics.healthy.record(0)
            let first = state.withLock { state -> Bool in
                defer { state.lastFailure = reason }
                return state.lastFailure != reason
            }
            if first { logger.warning("the locating gateway did not take a batch; retrying", metadata: ["reason": "\(reason)"]) }
            if isStopping(), result.delivered == 0 || result.gatewayFailed {
                logger.warning("stopping with observations not sent upstream", metadata: ["left": "\(status.buffered)"])
                return
            }
            guard result.gatewayFailed else {
                // Only sensors refused: the others go on at once.
                attempt = 0
                continue
            }
            attempt += 1
            // Half to all of the ceiling ("equal jitter"): one gateway has no crowd to spread,
            // but its sensors restarting together should not retry in step.
            let wait = result.retryAfter ?? options.backoff.delay(attempt: attempt, unit: 0.5 + 0.5 * timing.random())
            await stopped.wait(timeout: wait)
        }
    }

    struct Result {
        var delivered = 0
        /// The places in the batch of the observations delivered.
        var places: [Int] = []
        var failure: String?
        var retryAfter: Duration?
        /// Sensors whose requests were refused (the others' went on).
        var refused: Set<SensorID> = []
        /// Whether the locating gateway itself failed (down, 5xx): the attempt stopped there.
        var gatewayFailed = false
    }

    /// One request per sensor, in the order the batch first names them, each with all of that
    /// sensor's observations in the batch, and the number of the first among the sensor's. (A gateway's sensors are heard interleaved: a request
    /// per run of one sensor carried about one observation, so a link of 20 ms fell behind, and
    /// a broker's queue of 1,000 messages held 1,000 observations.) Each sensor's readings stay
    /// in their order; across sensors a batch spans the flush interval, well within what the
    /// locating gateway takes late.
    private func deliver(_ batch: [Entry]) async -> Result {
        var result = Result()
        var order: [SensorID] = []
        var places: [SensorID: [Int]] = [:]
        for (place, entry) in batch.enumerated() {
            if places[entry.observation.sensor] == nil { order.append(entry.observation.sensor) }
            places[entry.observation.sensor, default: []].append(place)
        }
        sensors: for sensor in order {
            let all = places[sensor]!
            // The buffer holds an unbroken run of each sensor's numbers (`State.nextSeq`).
            assert(zip(all, all.dropFirst()).allSatisfy { batch[$1].seq == batch[$0].seq + 1 })
            var from = 0
            while from < all.count {
                // At most the sensor's request limit a request: halved at each 413 (a body over
                // the locating gateway's `api.max_body_bytes`, or a proxy's limit), which a
                // batch filled during an outage reaches while the small ones of normal running
                // do not; sent again as it was, it was refused for ever (audit).
                let limit = requestLimits.withLock { $0[sensor] } ?? all.count
                let mine = Array(all[from..<min(all.count, from + limit)])
                let run = ArraySlice(mine.map { batch[$0].observation })
                let body = Self.body(sensor: sensor, stream: stream, seq: batch[mine[0]].seq, observations: run, sentAt: timing.now())
                switch await send(sensor, body, options.tokens[sensor.rawValue]) {
                case .delivered:
                    result.delivered += run.count
                    result.places += mine
                    from += mine.count
                case .rejected(let reason) where reason.responseStatus == 413 && mine.count > 1:
                    requestLimits.withLock { $0[sensor] = mine.count / 2 }
                    logger.warning(
                        "a request was refused as too large (\(reason.responseBody == nil ? reason.reason : "HTTP 413")); sending at most \(mine.count / 2) observations a request from now on (raise the locating gateway's api.max_body_bytes, a proxy's body limit or the broker's message_size_limit, or lower upstream.batch_size)",
                        metadata: ["sensor": "\(sensor)"])
                case .retry(let reason, _) where Self.refusesTheSensor(reason):
                    // 401/403: this sensor's token is wrong, not the gateway down: the others go on.
                    if result.failure == nil { result.failure = "sensor \(sensor): \(reason)" }
                    result.refused.insert(sensor)
                    continue sensors
                case .retry(let reason, let after):
                    result.failure = "sensor \(sensor): \(reason)"
                    result.retryAfter = after
                    result.gatewayFailed = true
                    return result
                case .rejected(let reason):
                    // A refusal (a token the locating gateway does not know, a clock it finds
                    // off) is a configuration to fix, not data to discard: keep and retry.
                    // A proxy or a wrong url may echo the batch, whose devices are addresses: the
                    // answer is shown (log, status) with any address masked.
                    // (Masked before it is cut: an address cut in two would no longer look like one.)
                    let answer = AddressRedaction.redacted(reason.responseBody ?? reason.reason)
                    if result.failure == nil {
                        // A broker's refusal (MQTT 5) has no HTTP status; its reason says it all.
                        result.failure = "sensor \(sensor): " + (reason.responseBody == nil ? answer : "HTTP \(reason.responseStatus.map(String.init) ?? "?"): \(answer.prefix(200))")
                    }
                    // Refused for this sensor (its token, its topic), not for the gateway: the others go on.
                    result.refused.insert(sensor)
                    continue sensors
                case .deliveredExcept(let refused):
                    // One message a sensor's batch: refused for good is as `.rejected` above.
                    if let reason = refused.values.first {
                        if result.failure == nil { result.failure = "sensor \(sensor): \(reason.reason)" }
                        result.refused.insert(sensor)
                        continue sensors
                    }
                    result.delivered += run.count
                    result.places += mine
                    from += mine.count
                }
            }
        }
        return result
    }

    /// Whether a retried answer refuses the sensor rather than the batch or the gateway: the
    /// locating gateway answers a token it does not know for the sensor with 401 (403 from a
    /// proxy in front).
    static func refusesTheSensor(_ reason: String) -> Bool {
        reason.hasPrefix("HTTP 401") || reason.hasPrefix("HTTP 403")
    }

    /// The locating gateway's batch format (docs/api.md, `POST /api/observations`).
    static func body(sensor: SensorID, stream: String, seq: UInt64, observations: ArraySlice<Observation>, sentAt: Double) -> [UInt8] {
        var text = #"{"sensor":"# + JSONText.string(sensor.rawValue) + #","stream":"# + JSONText.string(stream)
        text += #","seq":"# + "\(seq)" + #","sent_at":"# + "\(sentAt)" + #","observations":["#
        for (i, o) in observations.enumerated() {
            if i > 0 { text += "," }
            text += #"{"time":"# + "\(o.time)" + #","device":"# + JSONText.string(o.device.rawValue)
            text += #","rssi":"# + "\(o.rssi)" + #","radio":""# + o.radio.rawValue + #"""#
            if let tx = o.txPower { text += #","tx_power":"# + String(tx) }
            if let channel = o.channel { text += #","channel":"# + String(channel) }
            text += "}"
        }
        text += "]}"
        return Array(text.utf8)
    }
}
