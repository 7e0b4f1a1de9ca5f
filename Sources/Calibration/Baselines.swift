import FootfallCore
import Foundation

/// The simple baselines the locator must beat (issue #15), computed from one device's readings
/// up to each truth time and nothing later: per sensor the mean RSSI over a window (the last 1,
/// 2 or 5 s, or all the device's readings so far — the strongest choice for a phone standing
/// still), then
/// - the nearest sensor: the floor position of the strongest;
/// - a weighted centroid of the 3 strongest, weighted by linear power or by about 1/distance;
/// - k nearest neighbours (k = 5) among the survey's reference points, where there is a survey.
/// Each needs only the sensors' positions: no path-loss model, no tuning.
public struct Baselines: Sendable {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case nearest = "nearest sensor"
        case centroidPower = "centroid-3 10^(rssi/10)"
        case centroidDistance = "centroid-3 10^(rssi/22)"
        case knn = "kNN-5"
    }

    public enum Window: Hashable, Sendable, CustomStringConvertible {
        case seconds(Double)
        /// Every reading of the device so far.
        case all

        public var span: Double? {
            if case .seconds(let s) = self { return s }
            return nil
        }

        public var description: String {
            switch self {
            case .seconds(let s): "\(SVGDocument.number(s)) s"
            case .all: "all"
            }
        }
    }

    /// One baseline: a kind over a window.
    public struct Method: Hashable, Sendable, CustomStringConvertible {
        public var kind: Kind
        public var window: Window
        public init(_ kind: Kind, _ window: Window) {
            self.kind = kind
            self.window = window
        }
        public var description: String { "\(kind.rawValue), \(window)" }
    }

    /// A survey reference point with its mean RSSI per sensor (`unheardRSSI` for one never heard there).
    public struct Fingerprint: Hashable, Sendable {
        public var point: Point
        public var rssi: [Double]
    }

    public static let windows: [Window] = [.seconds(1), .seconds(2), .seconds(5), .all]
    /// What a fingerprint and a query hold for a sensor not heard: below anything received.
    public static let unheardRSSI = -100.0
    public static let neighbours = 5
    public static let centroidSensors = 3

    public let sensors: [Sensor]
    public let fingerprints: [Fingerprint]

    /// - Parameter survey: samples at reference points; readings of sensors not in `sensors`
    ///   and samples known only by zone are left out.
    public init(sensors: [Sensor], survey: [SurveySample] = []) {
        self.sensors = sensors
        let index = Dictionary(sensors.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Points are told apart to the millimetre; in order of first appearance, so that ties
        // between equally distant fingerprints break the same way on every run.
        struct Key: Hashable { var x: Int, y: Int }
        var order: [Key] = []
        var sums: [Key: (sum: [Double], count: [Int])] = [:]
        for sample in survey {
            guard let point = sample.point, let s = index[sample.sensor] else { continue }
            let key = Key(x: Int((point.x * 1000).rounded()), y: Int((point.y * 1000).rounded()))
            if sums[key] == nil {
                order.append(key)
                sums[key] = (Array(repeating: 0, count: sensors.count), Array(repeating: 0, count: sensors.count))
            }
            sums[key]!.sum[s] += sample.rssi
            sums[key]!.count[s] += 1
        }
        fingerprints = order.map { key in
            let (sum, count) = sums[key]!
            return Fingerprint(
                point: Point(x: Double(key.x) / 1000, y: Double(key.y) / 1000),
                rssi: zip(sum, count).map { $1 > 0 ? $0 / Double($1) : Self.unheardRSSI })
        }
    }

    /// Every kind over every window, in the order they are listed.
    public static let allMethods: [Method] = Kind.allCases.flatMap { kind in windows.map { Method(kind, $0) } }

    /// Every method this case has: kNN only with a survey.
    public var methods: [Method] {
        Self.allMethods.filter { $0.kind != .knn || !fingerprints.isEmpty }
    }

    /// The position one kind of baseline gives for each sensor's mean RSSI (nil: not heard);
    /// nil when no sensor was heard.
    public func position(_ kind: Kind, means: [Double?]) -> Point? {
        // Strongest first; equal readings by the sensors' order, for the same answer every run.
        let heard = means.indices.filter { means[$0] != nil }.sorted { (-means[$0]!, $0) < (-means[$1]!, $1) }
        guard let strongest = heard.first else { return nil }
        switch kind {
        case .nearest:
            return sensors[strongest].position.floor
        case .centroidPower:
            // Linear power, 10^(rssi/10) mW; relative to the strongest so nothing underflows.
            return centroid(heard.prefix(Self.centroidSensors), means) { pow(10, $0 / 10) }
        case .centroidDistance:
            // rssi = A − 10·n·log10(d) at n = 2.2 gives 10^(rssi/22) ∝ 1/d.
            return centroid(heard.prefix(Self.centroidSensors), means) { pow(10, $0 / 22) }
        case .knn:
            guard !fingerprints.isEmpty else { return nil }
            let query = means.map { $0 ?? Self.unheardRSSI }
            // Euclidean distance in signal space to each reference point.
            let distances = fingerprints.map { f in
                zip(f.rssi, query).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            }
            let nearest = distances.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(Self.neighbours)
            // The unweighted mean of the k nearest points.
            let sum = nearest.reduce(Point.zero) { $0 + fingerprints[$1].point }
            return sum * (1 / Double(nearest.count))
        }
    }

    private func centroid(_ strongest: ArraySlice<Int>, _ means: [Double?], weight: (Double) -> Double) -> Point {
        let top = means[strongest.first!]!
        var sum = Point.zero, total = 0.0
        for s in strongest {
            let w = weight(means[s]! - top)
            sum = sum + sensors[s].position.floor * w
            total += w
        }
        return sum * (1 / total)
    }

    /// Each method's error at each sample (in the samples' order), from the log's readings of
    /// the sample's device up to the sample's time; infinite where nothing was heard yet.
    /// `kinds` limits the work to some kinds (a survey changes only kNN's).
    public func errors(
        _ samples: [CausalScoring.Sample], log: ReadingLog, kinds: [Kind] = Kind.allCases
    ) -> [Method: [Double]] {
        positions(samples, log: log, kinds: kinds).mapValues { zip(samples, $0).map { $0.error(of: $1) } }
    }

    /// Each method's position at each sample (in the samples' order), from the log's readings
    /// of the sample's device up to the sample's time; nil where nothing was heard yet.
    public func positions(
        _ samples: [CausalScoring.Sample], log: ReadingLog, kinds: [Kind] = Kind.allCases
    ) -> [Method: [Point?]] {
        precondition(log.sensors == sensors.map(\.id), "the log's sensors are the baselines' sensors, in the same order")
        let methods = self.methods.filter { kinds.contains($0.kind) }
        let kinds = Kind.allCases.filter { kind in methods.contains { $0.kind == kind } }
        var result = Dictionary(uniqueKeysWithValues: methods.map { ($0, [Point?](repeating: nil, count: samples.count)) })
        let byDevice = Dictionary(grouping: samples.indices, by: { samples[$0].device })
        for (device, indices) in byDevice {
            guard let readings = log.readings(of: device) else { continue }
            var windows = Self.windows.map { WindowMeans(span: $0.span, sensorCount: sensors.count) }
            for i in indices.sorted(by: { (samples[$0].time, $0) < (samples[$1].time, $1) }) {
                for (w, window) in Self.windows.enumerated() {
                    let means = windows[w].means(at: samples[i].time, over: readings)
                    for kind in kinds {
                        result[Method(kind, window)]![i] = position(kind, means: means)
                    }
                }
            }
        }
        return result
    }
}
