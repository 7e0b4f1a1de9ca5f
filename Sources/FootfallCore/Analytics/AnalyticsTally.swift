/// Turns visit events into analytics counts per 15-minute interval and zone. Pure and fed with
/// every event the presence stage makes (those of devices that may only be counted too), so the
/// daemon writes the counts in the transaction of the events they come from and a replay
/// computes the same figures. The events' identities are read and dropped: only counts remain.
public struct AnalyticsTally: Sendable, Hashable {
    /// The finest interval kept (s).
    public static let interval = 900.0

    public let engagedAfter: Double
    public private(set) var counts: [AnalyticsKey: Int] = [:]

    public init(engagedAfter: Double) {
        self.engagedAfter = engagedAfter
    }

    public var isEmpty: Bool { counts.isEmpty }

    /// The start of the interval holding `time`.
    public static func intervalStart(_ time: Double) -> Double {
        (time / interval).rounded(.down) * interval
    }

    public mutating func add(_ metric: AnalyticsMetric, zone: String = "", at time: Double, count: Int = 1) {
        guard count != 0, time.isFinite else { return }
        counts[AnalyticsKey(intervalStart: Self.intervalStart(time), zone: zone, metric: metric), default: 0] += count
    }

    public mutating func add(_ event: PresenceEvent) {
        switch event.type {
        case .storeEntered:
            add(.visitors, at: event.occurredAt)
            if let loyalty = event.loyaltyClass, let metric = AnalyticsMetric(rawValue: "identified_" + loyalty) {
                add(metric, at: event.occurredAt)
            }
        case .storeExited:
            let duration = event.visitDurationSeconds ?? 0
            let start = event.occurredAt - duration
            if duration >= engagedAfter { add(.engagedVisitors, at: start) }
            add(AnalyticsMetric.dwellBuckets[DwellBuckets.index(seconds: duration)], at: start)
            addSeconds(.visitSeconds, zone: "", from: start, to: event.occurredAt)
        case .zoneEntered:
            add(.zoneEntries, zone: event.zone ?? "", at: event.occurredAt)
        case .zoneDwell:
            add(.zoneDwells, zone: event.zone ?? "", at: event.occurredAt)
        case .zoneExited:
            addSeconds(.zoneSeconds, zone: event.zone ?? "", from: event.occurredAt - (event.dwellSeconds ?? 0), to: event.occurredAt)
        case .storeTraffic:
            // Visits are counted from their own events; the aggregate brings the passers-by.
            if let traffic = event.traffic { add(.passersBy, at: traffic.intervalStart, count: traffic.passersBy) }
        }
    }

    public mutating func add(_ events: some Sequence<PresenceEvent>) {
        for event in events { add(event) }
    }

    public mutating func merge(_ other: AnalyticsTally) {
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    public mutating func removeAll() { counts.removeAll(keepingCapacity: true) }

    /// Spreads a stay's whole seconds over the intervals it overlaps.
    private mutating func addSeconds(_ metric: AnalyticsMetric, zone: String, from start: Double, to end: Double) {
        guard start.isFinite, end.isFinite, end > start else { return }
        var cursor = start
        while cursor < end {
            let intervalEnd = Self.intervalStart(cursor) + Self.interval
            let slice = min(end, intervalEnd)
            // Whole seconds, rounded where the stay ends so the slices add up to the stay.
            let seconds = Int((slice - start).rounded()) - Int((cursor - start).rounded())
            add(metric, zone: zone, at: cursor, count: seconds)
            cursor = slice
        }
    }
}
