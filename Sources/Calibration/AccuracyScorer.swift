import FootfallCore

/// Scores a replay against ground truth as it runs: positions by interpolating the truth at
/// each estimate's time (only where the device truly was inside the store), zones causally
/// (the latest estimate at each truth sample), visits by overlap in time. Where the truth names
/// the person carrying each device (a simulated store), everything is scored by person: a phone
/// whose address rotated mid-visit is one shopper under two device ids, one true visit, and a
/// second `store.entered` for it is a visit counted twice (`duplicate`), not a true one.
public struct AccuracyScorer: Sendable {
    let layout: StoreLayout
    let presence: StoreConfiguration.PresenceSettings
    /// Each truth device's subject (its person, or itself).
    private var subjects: [DeviceID: String] = [:]
    private var truth: [String: [TruthSample]] = [:]
    private var errors: [Double] = []
    private var zoneTimeline: [String: [(time: Double, zone: String?)]] = [:]
    private var entered: [DeviceID: [(start: Double, decidedAt: Double)]] = [:]
    private var exited: [DeviceID: [(end: Double, decidedAt: Double)]] = [:]
    private var dwells: [String: [(zone: String, time: Double, decidedAt: Double)]] = [:]
    private var cursor: [String: Int] = [:]

    /// Truth samples further apart than this are not interpolated between.
    static let maxTruthGap = 3.0

    public init(layout: StoreLayout, truth samples: [TruthSample], presence: StoreConfiguration.PresenceSettings) {
        self.layout = layout
        self.presence = presence
        for sample in samples {
            subjects[sample.device] = sample.subject
            truth[sample.subject, default: []].append(sample)
        }
        for key in truth.keys { truth[key]!.sort { $0.time < $1.time } }
    }

    /// Whom an output about `device` is of: the truth's person carrying it, or the device.
    private func subject(_ device: DeviceID) -> String { subjects[device] ?? device.rawValue }

    public mutating func add(_ estimate: PositionEstimate) {
        let subject = subject(estimate.device)
        zoneTimeline[subject, default: []].append((estimate.time, estimate.zone))
        guard let samples = truth[subject] else { return }
        var i = cursor[subject] ?? 0
        while i + 1 < samples.count, samples[i + 1].time <= estimate.time { i += 1 }
        cursor[subject] = i
        guard i + 1 < samples.count, samples[i].time <= estimate.time else { return }
        let a = samples[i], b = samples[i + 1]
        guard b.time - a.time <= Self.maxTruthGap else { return }
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
        case .zoneDwell: if let zone = event.zone { dwells[subject(device), default: []].append((zone, event.occurredAt, decidedAt)) }
        default: break
        }
    }

    public func report() -> AccuracyReport {
        var zoneHits = 0, zoneTotal = 0
        var spurious = 0, insideSeconds = 0.0
        var trueVisits = 0, missed = 0, missedLong = 0
        var entryDelays: [Double] = [], exitDelays: [Double] = []
        // Each subject's detected visits, of all its devices: entry, and the exit of the same
        // device's visit (the n-th exit of a device ends its n-th entry).
        var detectionsOf: [String: [(start: Double, decidedAt: Double, end: Double, exitDecidedAt: Double?)]] = [:]
        for (device, entries) in entered {
            let exits = exited[device] ?? []
            for (i, entry) in entries.enumerated() {
                detectionsOf[subject(device), default: []].append(
                    (entry.start, entry.decidedAt, i < exits.count ? exits[i].end : .infinity, i < exits.count ? exits[i].decidedAt : nil))
            }
        }
        for key in detectionsOf.keys { detectionsOf[key]!.sort { ($0.start, $0.decidedAt) < ($1.start, $1.decidedAt) } }
        var matchedDetections: [String: Set<Int>] = [:]
        var overlapping: [String: Set<Int>] = [:]
        var passers = 0, passersCounted = 0
        var longStays = 0, firedLong = 0, firedShort = 0
        var firedOutsideZone = 0

        for subject in truth.keys.sorted() {
            let samples = truth[subject]!
            let inside = samples.map { layout.outline.contains($0.position) }
            // Zones, causally: the latest estimate at or before each truth sample (of any of
            // the subject's devices).
            let timeline = (zoneTimeline[subject] ?? []).enumerated().sorted { ($0.1.time, $0.0) < ($1.1.time, $1.0) }.map(\.1)
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
            let detections = detectionsOf[subject] ?? []
            if runs.isEmpty {
                passers += 1
                if !detections.isEmpty { passersCounted += 1 }
            }
            for visit in visits {
                trueVisits += 1
                // A detection matches when its stay overlaps the true visit.
                let overlaps = detections.indices.filter { i in
                    detections[i].start <= visit.end + presence.exitAfter && detections[i].end >= visit.start
                }
                overlapping[subject, default: []].formUnion(overlaps)
                guard let i = overlaps.first else {
                    missed += 1
                    if visit.end - visit.start >= 120 { missedLong += 1 }
                    continue
                }
                matchedDetections[subject, default: []].insert(i)
                entryDelays.append(detections[i].decidedAt - visit.start)
                // The visit ends when the last of the detections overlapping it does (a device
                // whose address changed is left by its old address first).
                if let exit = overlaps.compactMap({ detections[$0].exitDecidedAt }).max(), overlaps.allSatisfy({ detections[$0].exitDecidedAt != nil }) {
                    exitDelays.append(exit - visit.end)
                }
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
            let fired = dwells[subject] ?? []
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
        for (subject, fired) in dwells {
            let samples = truth[subject] ?? []
            for dwell in fired where trueZone(samples, at: dwell.decidedAt) != dwell.zone { firedOutsideZone += 1 }
        }
        // False: overlapping no true visit of its subject; twice: overlapping one another
        // detection of the same subject was matched to (an address that changed mid-visit).
        var detected = 0, falseVisits = 0, twice = 0
        for (subject, detections) in detectionsOf {
            detected += detections.count
            let matched = matchedDetections[subject]?.count ?? 0
            let overlaps = overlapping[subject]?.count ?? 0
            falseVisits += detections.count - overlaps
            twice += overlaps - matched
        }
        return AccuracyReport(
            positionError: .init(errors),
            zoneAccuracy: zoneTotal > 0 ? Double(zoneHits) / Double(zoneTotal) : nil,
            spuriousZoneChangesPerHour: insideSeconds > 0 ? Double(spurious) / (insideSeconds / 3600) : nil,
            visits: .init(true: trueVisits, detected: detected, missed: missed, missedLong: missedLong, false: falseVisits, twice: twice,
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
