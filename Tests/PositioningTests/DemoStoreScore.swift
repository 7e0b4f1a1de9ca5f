import FootfallCore
import Foundation
import Positioning
import Simulation

/// A simulated period of the demo store run causally through a `Locator` — observations in
/// time order, every heard device estimated at each whole second as the pipeline does — and
/// scored against the simulator's truth the way `footfall replay --truth` scores it.
struct DemoStoreScore: CustomStringConvertible {
    var median = 0.0, p90 = 0.0, p95 = 0.0
    /// Share of the truth seconds inside the store whose latest estimate named the true zone.
    var zoneAccuracy = 0.0
    /// Zone changes of the estimates beyond the true ones, per hour of shoppers inside.
    var spuriousPerShopperHour = 0.0
    /// Passers-by (never inside) estimated inside for 15 s (the visit tracker's `enter_after`,
    /// with its 5 s tolerance of estimates outside): they would become visitors.
    var passersByAsVisitors = 0.0
    var passersBy = 0
    /// True visits (15 s or more inside) whose entry the 15 s rule decides within 20 s of the
    /// true entry.
    var entriesWithin20s = 0.0
    var visits = 0

    var description: String {
        String(
            format: "median %.2f m, p90 %.2f m, p95 %.2f m, zones %.1f%%, spurious %.2f/shopper-h, passers-by as visitors %.1f%% of %d, entries within 20 s %.1f%% of %d",
            median, p90, p95, 100 * zoneAccuracy, spuriousPerShopperHour, 100 * passersByAsVisitors, passersBy,
            100 * entriesWithin20s, visits)
    }

    static let enterAfter = 15.0, outsideTolerance = 5.0

    static func run(
        layout: StoreLayout, settings: StoreSimulator.Settings, configuration: PositioningConfiguration = .init(),
        survey: [SurveySample] = []
    ) -> DemoStoreScore {
        var observations: [Observation] = []
        var truth: [DeviceID: [TruthSample]] = [:]
        StoreSimulator(layout: layout, settings: settings).run(
            observation: { observations.append($0) }, truth: { truth[$0.device, default: []].append($0) })
        var locator = Locator(layout: layout, configuration: configuration, survey: survey)
        var estimates: [DeviceID: [PositionEstimate]] = [:]
        var next = (observations.first?.time ?? 0).rounded(.up)
        for observation in observations {
            while observation.time > next {
                for estimate in locator.estimate(at: next) { estimates[estimate.device, default: []].append(estimate) }
                next += 1
            }
            locator.observe(observation)
        }
        return score(layout: layout, truth: truth, estimates: estimates)
    }

    static func score(layout: StoreLayout, truth: [DeviceID: [TruthSample]], estimates: [DeviceID: [PositionEstimate]]) -> DemoStoreScore {
        var result = DemoStoreScore()
        var errors: [Double] = []
        var zoneHits = 0, zoneTotal = 0, spurious = 0
        var insideSeconds = 0.0
        var passers = 0, passersIn = 0, visits = 0, prompt = 0
        for (device, samples) in truth {
            let mine = estimates[device] ?? []
            // Errors at each estimate, against the truth interpolated to its time, inside only.
            var i = 0
            for estimate in mine {
                while i + 1 < samples.count, samples[i + 1].time <= estimate.time { i += 1 }
                guard i + 1 < samples.count, samples[i].time <= estimate.time, samples[i + 1].time - samples[i].time <= 3 else { continue }
                let a = samples[i], b = samples[i + 1]
                let f = (estimate.time - a.time) / max(b.time - a.time, 1e-9)
                let p = a.position + (b.position - a.position) * f
                if layout.outline.contains(p) { errors.append(p.distance(to: estimate.position)) }
            }
            // Zones at each truth second inside: the latest estimate no older than 10 s.
            var k = -1
            var estimatedChanges = 0, trueChanges = 0
            var lastEstimated: String?? = nil, lastTrue: String?? = nil
            var firstInside: Double?
            for (index, sample) in samples.enumerated() where layout.outline.contains(sample.position) {
                if firstInside == nil { firstInside = sample.time }
                while k + 1 < mine.count, mine[k + 1].time <= sample.time { k += 1 }
                let estimated = k >= 0 && sample.time - mine[k].time <= 10 ? mine[k].zone : nil
                zoneTotal += 1
                if estimated == sample.zone { zoneHits += 1 }
                if let last = lastEstimated, last != estimated { estimatedChanges += 1 }
                if let last = lastTrue, last != sample.zone { trueChanges += 1 }
                lastEstimated = .some(estimated)
                lastTrue = .some(sample.zone)
                if index + 1 < samples.count { insideSeconds += min(samples[index + 1].time - sample.time, 3) }
            }
            spurious += max(0, estimatedChanges - trueChanges)
            let entered = visitorSince(mine)
            if let firstInside {
                let lastInside = samples.last { layout.outline.contains($0.position) }!.time
                if lastInside - firstInside >= enterAfter {
                    visits += 1
                    if let decided = entered, decided - firstInside <= 20 { prompt += 1 }
                }
            } else {
                passers += 1
                if entered != nil { passersIn += 1 }
            }
        }
        errors.sort()
        func percentile(_ q: Double) -> Double {
            guard !errors.isEmpty else { return .nan }
            let x = q / 100 * Double(errors.count - 1)
            let lo = Int(x.rounded(.down)), hi = min(lo + 1, errors.count - 1)
            return errors[lo] + (errors[hi] - errors[lo]) * (x - Double(lo))
        }
        result.median = percentile(50)
        result.p90 = percentile(90)
        result.p95 = percentile(95)
        result.zoneAccuracy = zoneTotal > 0 ? Double(zoneHits) / Double(zoneTotal) : 0
        result.spuriousPerShopperHour = insideSeconds > 0 ? Double(spurious) / (insideSeconds / 3600) : 0
        result.passersBy = passers
        result.passersByAsVisitors = passers > 0 ? Double(passersIn) / Double(passers) : 0
        result.visits = visits
        result.entriesWithin20s = visits > 0 ? Double(prompt) / Double(visits) : 0
        return result
    }

    /// When the visit tracker's rule would first make the device a visitor: inside for
    /// `enterAfter` seconds, estimates outside for up to `outsideTolerance` not resetting it.
    static func visitorSince(_ estimates: [PositionEstimate]) -> Double? {
        var since: Double?
        var lastInside = -Double.infinity
        for estimate in estimates where estimate.insideStore {
            if since == nil || estimate.time - lastInside > outsideTolerance { since = estimate.time }
            lastInside = estimate.time
            if let since, estimate.time - since >= enterAfter { return estimate.time }
        }
        return nil
    }
}
