import FootfallCore
import Foundation
import Positioning

/// Estimates how well a surveyed store will locate phones by leaving each survey point out in
/// turn: the locator is built from the rest of the survey (its path-loss fit and radio map)
/// and the point's own readings are located as if a phone stood there.
///
/// A dense survey (a robot's thousands of points) is left out by blocks of nearby points
/// instead, at most `maximumFolds` of them, so that a held-out point's neighbours a few
/// centimetres away are held out with it — otherwise the check would measure the survey's
/// density, not the store's accuracy.
public struct LeaveOneOutCheck: Sendable {
    public struct PointResult: Hashable, Sendable {
        public var truth: Point
        /// False for a zone-only survey point: its zone is scored, not its distance.
        public var hasCoordinates = true
        public var estimate: Point?
        public var trueZone: String?
        public var estimatedZone: String?
        public var error: Double? { hasCoordinates ? estimate.map { $0.distance(to: truth) } : nil }
    }

    public struct Report: Sendable {
        public var points: [PointResult]
        /// Folds actually run (points, or blocks of points).
        public var folds: Int
        /// Points whose readings gave no estimate at all.
        public var unlocated: Int { points.filter { $0.estimate == nil }.count }
        public var overall: ErrorSummary { ErrorSummary(points.compactMap(\.error)) }
        /// Error per true zone ("(none)" for points in no zone), in the layout's zone order.
        public var perZone: [(zone: String, summary: ErrorSummary)]
        /// counts[true zone][estimated zone].
        public var confusion: [String: [String: Int]]
        public var zoneLabels: [String]
        /// The share of the points in a zone placed in it (nil without such points: a store
        /// without zones, or a survey outside them all).
        public var zoneAccuracy: Double? {
            let scored = points.filter { $0.estimate != nil && $0.trueZone != LeaveOneOutCheck.noZone }
            guard !scored.isEmpty else { return nil }
            return Double(scored.filter { $0.trueZone == $0.estimatedZone }.count) / Double(scored.count)
        }
    }

    /// Median and 90th percentile of a set of errors (metres).
    public struct ErrorSummary: Hashable, Sendable {
        public var count: Int
        public var median: Double?
        public var p90: Double?
        public init(_ values: [Double]) {
            let sorted = values.sorted()
            count = sorted.count
            median = Self.percentile(sorted, 0.5)
            p90 = Self.percentile(sorted, 0.9)
        }
        /// Linear interpolation between closest ranks.
        public static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = q * Double(sorted.count - 1)
            let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
        }
    }

    public static let noZone = "(none)"

    public var configuration: PositioningConfiguration
    /// Dense surveys are left out by blocks; at most this many locators are built.
    public var maximumFolds = 60
    /// Readings of one point fed to the locator over at most this many seconds (its last ones).
    public var maximumSeconds = 30.0

    public init(configuration: PositioningConfiguration = .init()) {
        self.configuration = configuration
    }

    public func run(layout: StoreLayout, survey: [SurveySample], progress: (Double) -> Void = { _ in }) -> Report {
        let points = SurveyPoints.group(survey, layout: layout)
        let folds = Self.folds(points.map(\.position), maximum: maximumFolds)
        var results = [PointResult?](repeating: nil, count: points.count)
        for (f, fold) in folds.enumerated() {
            let held = Set(fold.flatMap { points[$0].samples })
            let training = survey.enumerated().filter { !held.contains($0.offset) }.map(\.element)
            var locator = Locator(layout: layout, configuration: configuration, survey: training)
            for (order, k) in fold.enumerated() {
                let point = points[k]
                let estimate = locate(point, survey: survey, locator: &locator, epoch: Double(order) * 10_000)
                results[k] = PointResult(
                    truth: point.position, hasCoordinates: point.hasCoordinates, estimate: estimate, trueZone: point.zone ?? Self.noZone,
                    estimatedZone: estimate.map { layout.zone(containing: $0)?.id ?? Self.noZone })
            }
            progress(Double(f + 1) / Double(folds.count))
        }
        let all = results.compactMap { $0 }
        let labels = layout.zones.map(\.id) + (all.contains { $0.trueZone == Self.noZone || $0.estimatedZone == Self.noZone } ? [Self.noZone] : [])
        var confusion: [String: [String: Int]] = [:]
        for r in all {
            guard let t = r.trueZone, let e = r.estimatedZone else { continue }
            confusion[t, default: [:]][e, default: 0] += 1
        }
        let perZone = labels.compactMap { label -> (String, ErrorSummary)? in
            let errors = all.filter { $0.trueZone == label }.compactMap(\.error)
            return errors.isEmpty ? nil : (label, ErrorSummary(errors))
        }
        return Report(points: all, folds: folds.count, perZone: perZone, confusion: confusion, zoneLabels: labels)
    }

    /// Feeds the point's readings (as a phone of its own, on a timeline of its own starting
    /// at `epoch`) and returns the last estimate, estimating once a second as the gateway does.
    func locate(_ point: SurveyPoint, survey: [SurveySample], locator: inout Locator, epoch: Double) -> Point? {
        let device = DeviceID("leave-one-out-\(Int(epoch))")
        var samples = point.samples.map { survey[$0] }.sorted { $0.time < $1.time }
        guard let last = samples.last?.time else { return nil }
        samples.removeAll { $0.time < last - maximumSeconds }
        let start = samples[0].time
        var estimate: Point?
        var nextTick = 1.0
        for sample in samples {
            let t = sample.time - start
            while t >= nextTick {
                if let e = locator.estimate(at: epoch + nextTick).first(where: { $0.device == device }) { estimate = e.position }
                nextTick += 1
            }
            locator.observe(Observation(time: epoch + t, sensor: sample.sensor, device: device, rssi: sample.rssi))
        }
        if let e = locator.estimate(at: epoch + (last - start) + 0.001).first(where: { $0.device == device }) { estimate = e.position }
        return estimate
    }

    /// Indices of points per fold: one point a fold, or square blocks sized so that there are
    /// about `maximum` occupied blocks.
    static func folds(_ points: [Point], maximum: Int) -> [[Int]] {
        guard points.count > maximum else { return points.indices.map { [$0] } }
        let xs = points.map(\.x), ys = points.map(\.y)
        let area = max((xs.max()! - xs.min()!) * (ys.max()! - ys.min()!), 1e-6)
        var side = (area / Double(maximum)).squareRoot()
        while true {
            var blocks: [String: [Int]] = [:]
            var order: [String] = []
            for (i, p) in points.enumerated() {
                let key = "\(Int((p.x / side).rounded(.down))),\(Int((p.y / side).rounded(.down)))"
                if blocks[key] == nil { order.append(key) }
                blocks[key, default: []].append(i)
            }
            if blocks.count <= maximum { return order.map { blocks[$0]! } }
            side *= 1.15
        }
    }
}
