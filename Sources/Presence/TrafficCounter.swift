import FootfallCore

/// Counts passers-by and completed visits per interval and emits one `store.traffic` event
/// per interval, for devices that may never be identified.
struct TrafficCounter: Sendable {
    let interval: Double
    private var start: Double?
    private var passersBy = 0
    private var visitors = 0
    private var engaged = 0
    private var histogram = Array(repeating: 0, count: 6)

    init(interval: Double) { self.interval = interval }

    /// The passers-by counted in the interval not yet flushed, and its start.
    var unflushedPassersBy: (intervalStart: Double, count: Int)? {
        start.flatMap { passersBy > 0 ? ($0, passersBy) : nil }
    }

    mutating func countPasserBy(at time: Double) {
        begin(time)
        passersBy += 1
    }

    mutating func countVisit(duration: Double, engaged isEngaged: Bool, at time: Double) {
        begin(time)
        visitors += 1
        if isEngaged { engaged += 1 }
        histogram[DwellBuckets.index(seconds: duration)] += 1
    }

    /// `time` is when the count is decided: a passer-by `exit_after` after it was last heard, a
    /// visit when its end is. The first count after a start opens that time's interval.
    private mutating func begin(_ time: Double) {
        if start == nil { start = (time / interval).rounded(.down) * interval }
    }

    /// The aggregate of each interval that ended by `time`: a day of them at most after the last
    /// one counted in, the empty ones of a longer gap left out (a clock that jumped years ahead
    /// would otherwise be hundreds of thousands of empty intervals, made at once).
    mutating func flush(upTo time: Double, storeID: String, gatewayID: String) -> [PresenceEvent] {
        var events: [PresenceEvent] = []
        let mostEmpty = max(1, Int((86_400 / interval).rounded(.up)))
        var empty = 0
        while let s = start, time >= s + interval {
            if passersBy == 0, visitors == 0 {
                empty += 1
                if empty > mostEmpty {
                    // Nothing is counted before `time`'s interval: the counting starts again there.
                    start = nil
                    break
                }
            }
            var event = PresenceEvent(
                id: DeterministicID.make([storeID, "store.traffic", RFC3339.string(s)]), type: .storeTraffic,
                occurredAt: s + interval, storeID: storeID, gatewayID: gatewayID)
            event.traffic = PresenceEvent.Traffic(
                intervalStart: s, intervalSeconds: interval, passersBy: passersBy, visitors: visitors,
                engagedVisitors: engaged, dwellHistogram: histogram)
            events.append(event)
            passersBy = 0
            visitors = 0
            engaged = 0
            histogram = Array(repeating: 0, count: 6)
            start = s + interval
        }
        return events
    }
}
