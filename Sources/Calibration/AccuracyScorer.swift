import FootfallCore

/// Scores a replay against ground truth as it runs: positions by interpolating the truth at
/// each estimate's time (only where the device truly was inside the store), zones causally
/// (the latest estimate at each truth sample), visits by device and overlap in time.
public struct AccuracyScorer: Sendable {
    let layout: StoreLayout
    let presence: StoreConfiguration.PresenceSettings
    private var truth: [DeviceID: [TruthSample]] = [:]
    private var errors: [Double] = []
    private var zoneTimeline: [DeviceID: [(time: Double, zone: String?)]] = [:]
    private var entered: [DeviceID: [(start: Double, decidedAt: Double)]] = [:]
    private var exited: [DeviceID: [(end: Double, decidedAt: Double)]] = [:]
    private var dwells: [DeviceID: [(zone: String, time: Double, decidedAt: Double)]] = [:]
    private var cursor: [DeviceID: Int] = [:]

    /// Truth samples further apart than this are not interpolated between.
    static let maxTruthGap = 3.0

    public init(layout: StoreLayout, truth samples: [TruthSample], presence: StoreConfiguration.PresenceSettings) {
        self.layout = layout
        self.presence = presence
        for sample in samples { truth[sample.device, default: []].append(sample) }
        for key in truth.keys { truth[key]!.sort { $0.time < $1.time } }
    }

    public mutating func add(_ estimate: PositionEstimate) {
        zoneTimeline[estimate.device, default: []].append((estimate.time, estimate.zone))
        guard let samples = truth[estimate.device] else { return }
        var i = cursor[estimate.device] ?? 0
        while i + 1 < samples.count, samples[i + 1].time <= estimate.time { i += 1 }
        cursor[estimate.device] = i
        guard i + 1 < samples.count, samples[i].time <= estimate.time else { return }
        let a = samples[i], b = samples[i + 1]
        guard b.time - a.time <= Self.maxTruthGap, b.device == a.device else { return }
        let f = (estimate.time - a.time) / max(b.time - a.time, 1e-9)
        let truePoint = a.position + (b.position - a.position) * f
        guard layout.outline.contains(truePoint) else { return }
        errors.append(truePoint.distance(to: estimate.position))
    }

    public mutating func add(_ event: PresenceEvent, device: DeviceID?, decidedAt: Double) {
        guard let device else { return }
        switch event.type {
        case .storeEntered: entered[device, default: []].append((event.occurredAt, decidedAt))
        case .storeExited: exited[device, default: []].append((event.occurredAt, decidedAt))
        case .zoneDwell: if let zone = event.zone { dwells[device, default: []].append((zone, event.occurredAt, decidedAt)) }
        default: break
        }
    }

    public func report() -> AccuracyReport {
        var zoneHits = 0, zoneTotal = 0
        var spurious = 0, insideSeconds = 0.0
        var trueVisits = 0, missed = 0, missedLong = 0
        var entryDelays: [Double] = [], exitDelays: [Double] = []
        var matchedDetections: [DeviceID: Set<Int>] = [:]
        var passers = 0, passersCounted = 0
        var longStays = 0, firedLong = 0, firedShort = 0
        var firedOutsideZone = 0

        for device in truth.keys.sorted() {
            let samples = truth[device]!
            let inside = samples.map { layout.outline.contains($0.position) }
            // Zones, causally: the latest estimate at or before each truth sample.
            let timeline = zoneTimeline[device] ?? []
            var k = -1
            var estimatedChanges = 0, trueChanges = 0
            var lastEstimatedZone: String?? = nil, lastTrueZone: String?? = nil
            for (index, sample) in samples.enumerated() where inside[index] {
                while k + 1 < timeline.count, timeline[k + 1].time <= sample.time { k += 1 }
                let estimated = k >= 0 && sample.time - timeline[k].time <= 10 ? timeline[k].zone : nil
                zoneTotal += 1
                if estimated == sample.zone { zoneHits += 1 }
                if let last = lastEstimatedZone, last != estimated { estimatedChanges += 1 }
                if let last = lastTrueZone, last != sample.zone { trueChanges += 1 }
                lastEstimatedZone = .some(estimated)
                lastTrueZone = .some(sample.zone)
                insideSeconds += index + 1 < samples.count ? min(samples[index + 1].time - sample.time, Self.maxTruthGap) : 0
            }
            spurious += max(0, estimatedChanges - trueChanges)

            // True visits: runs inside, gaps shorter than exit_after merged.
            var runs: [(start: Double, end: Double)] = []
            for (index, sample) in samples.enumerated() where inside[index] {
                if let last = runs.last, sample.time - last.end < presence.exitAfter {
                    runs[runs.count - 1].end = sample.time
                } else {
                    runs.append((sample.time, sample.time))
                }
            }
            let visits = runs.filter { $0.end - $0.start >= presence.enterAfter }
            let detections = entered[device] ?? []
            let exits = exited[device] ?? []
            if runs.isEmpty {
                passers += 1
                if !detections.isEmpty { passersCounted += 1 }
            }
            for visit in visits {
                trueVisits += 1
                // A detection matches when its stay overlaps the true visit.
                let match = detections.indices.first { i in
                    let end = i < exits.count ? exits[i].end : .infinity
                    return detections[i].start <= visit.end + presence.exitAfter && end >= visit.start
                }
                guard let i = match else {
                    missed += 1
                    if visit.end - visit.start >= 120 { missedLong += 1 }
                    continue
                }
                matchedDetections[device, default: []].insert(i)
                entryDelays.append(detections[i].decidedAt - visit.start)
                if i < exits.count { exitDelays.append(exits[i].decidedAt - visit.end) }
            }

            // Dwell: true stays by zone against the zone.dwell events of the device.
            var stays: [(zone: String, start: Double, end: Double)] = []
            for sample in samples {
                guard let zone = sample.zone else { continue }
                if let last = stays.last, last.zone == zone, sample.time - last.end <= Self.maxTruthGap {
                    stays[stays.count - 1].end = sample.time
                } else {
                    stays.append((zone, sample.time, sample.time))
                }
            }
            let fired = dwells[device] ?? []
            for stay in stays {
                guard let threshold = layout.zone(stay.zone)?.dwellAfter else { continue }
                let length = stay.end - stay.start
                let firedHere = fired.contains { $0.zone == stay.zone && $0.time >= stay.start - 30 && $0.time <= stay.end + 30 }
                if length >= threshold {
                    longStays += 1
                    if firedHere { firedLong += 1 }
                } else if length < threshold / 2, firedHere,
                          !stays.contains(where: { $0.zone == stay.zone && $0.end - $0.start >= threshold / 2 && abs($0.start - stay.start) < threshold }) {
                    firedShort += 1
                }
            }
        }
        // The activation moment: where was the shopper when the pipeline fired `zone.dwell`?
        for (device, fired) in dwells {
            let samples = truth[device] ?? []
            for dwell in fired where trueZone(samples, at: dwell.decidedAt) != dwell.zone { firedOutsideZone += 1 }
        }
        var detected = 0, falseVisits = 0
        for (device, detections) in entered {
            detected += detections.count
            falseVisits += detections.count - (matchedDetections[device]?.count ?? 0)
        }
        return AccuracyReport(
            positionError: .init(errors),
            zoneAccuracy: zoneTotal > 0 ? Double(zoneHits) / Double(zoneTotal) : nil,
            spuriousZoneChangesPerHour: insideSeconds > 0 ? Double(spurious) / (insideSeconds / 3600) : nil,
            visits: .init(true: trueVisits, detected: detected, missed: missed, missedLong: missedLong, false: falseVisits,
                          passersByAsVisitors: passers > 0 ? Double(passersCounted) / Double(passers) : nil),
            entryDelay: .init(entryDelays), exitDelay: .init(exitDelays),
            dwell: .init(
                longStays: longStays, firedForLongStays: firedLong, firedForShortStays: firedShort,
                fired: dwells.values.map(\.count).reduce(0, +), firedOutsideZone: firedOutsideZone))
    }

    /// The zone a device truly was in at `time`: its newest truth sample at or before then, if
    /// no older than the truth's sampling gap and inside the store; nil when it was in none.
    private func trueZone(_ samples: [TruthSample], at time: Double) -> String? {
        guard let i = CausalScoring.newest(in: samples.map(\.time), atOrBefore: time),
              time - samples[i].time <= Self.maxTruthGap, layout.outline.contains(samples[i].position) else { return nil }
        return samples[i].zone
    }
}
