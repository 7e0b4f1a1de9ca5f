import FootfallCore

/// Scores position estimates the way a shopper would meet them (issue #15): at each truth
/// sample's time, the newest estimate of that device made at or before it, never one made
/// later with readings the system did not have yet. Every method of the accuracy benchmark —
/// the locator and each baseline — is scored on the same samples by the same rule.
public enum CausalScoring {
    /// Where a device really was at a moment.
    public struct Sample: Hashable, Sendable {
        public enum Truth: Hashable, Sendable {
            /// A position (a robot's odometry, a reference point, the simulator).
            case point(Point)
            /// Only the path walked: the error is the distance to it.
            case path(PathReference)
        }

        public var time: Double
        public var device: DeviceID
        public var truth: Truth
        /// The true zone, for cases that score zones (nil: in no zone).
        public var zone: String?

        public init(time: Double, device: DeviceID, truth: Truth, zone: String? = nil) {
            self.time = time
            self.device = device
            self.truth = truth
            self.zone = zone
        }

        /// The error of a position given at this sample's time; infinite for none.
        public func error(of position: Point?) -> Double {
            guard let position else { return .infinity }
            switch truth {
            case .point(let p): return p.distance(to: position)
            case .path(let path): return path.distance(from: position)
            }
        }
    }

    public struct Result: Sendable {
        /// One error a sample, in the samples' order.
        public var errors: [Double]
        /// The estimate each sample was scored on (nil: none yet), in the samples' order.
        public var estimates: [PositionEstimate?]
        public var summary: ErrorSummary
        /// Share of samples whose estimate reported the true zone (`estimate.zone`).
        public var reportedZoneAccuracy: Double?
        /// Share of samples whose estimate's position lies in the true zone.
        public var containingZoneAccuracy: Double?
    }

    /// The index of the newest of ascending `times` at or before `time`, or nil when all are later.
    public static func newest(in times: [Double], atOrBefore time: Double) -> Int? {
        // Binary search for the first time after `time`.
        var low = 0, high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= time { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? low - 1 : nil
    }

    /// Scores `estimates` at each sample. With `zones`, also the two zone accuracies over the
    /// same samples: the zone the estimate reported, and the layout's zone containing its
    /// position.
    ///
    /// `subjects` names the person carrying each device where the truth knows it (a simulated
    /// store): a sample is then scored on the newest estimate of any of that person's devices
    /// (a phone whose address rotated is placed under its old id by a pipeline that linked the
    /// two, under its new one by one that did not); of two for one moment, the device heard
    /// first later's (the address in use).
    public static func score(
        _ samples: [Sample], estimates: [DeviceID: [PositionEstimate]], zones: StoreLayout? = nil, subjects: [DeviceID: String] = [:]
    ) -> Result {
        // By the time each estimate is for: a late reading can place a device at a moment
        // before the pipeline's last round. Stable, so of two estimates for one moment the
        // one made later counts.
        var grouped: [DeviceID: [(estimate: PositionEstimate, first: Double, device: String, index: Int)]] = [:]
        for (device, list) in estimates {
            let key = subjects[device].map { DeviceID($0) } ?? device
            let first = list.map(\.time).min() ?? 0
            for (index, estimate) in list.enumerated() { grouped[key, default: []].append((estimate, first, device.rawValue, index)) }
        }
        let estimates = grouped.mapValues { list in
            list.sorted { ($0.estimate.time, $0.first, $0.device, $0.index) < ($1.estimate.time, $1.first, $1.device, $1.index) }.map(\.estimate)
        }
        let times = estimates.mapValues { $0.map(\.time) }
        var errors: [Double] = []
        var scored: [PositionEstimate?] = []
        errors.reserveCapacity(samples.count)
        scored.reserveCapacity(samples.count)
        var reported = 0, containing = 0
        for sample in samples {
            let key = subjects[sample.device].map { DeviceID($0) } ?? sample.device
            let mine = estimates[key] ?? []
            let estimate = newest(in: times[key] ?? [], atOrBefore: sample.time).map { mine[$0] }
            errors.append(sample.error(of: estimate?.position))
            scored.append(estimate)
            guard let layout = zones, let estimate else { continue }
            if estimate.zone == sample.zone { reported += 1 }
            if layout.zone(containing: estimate.position)?.id == sample.zone { containing += 1 }
        }
        let zoned = zones != nil && !samples.isEmpty
        return Result(
            errors: errors, estimates: scored, summary: ErrorSummary(errors),
            reportedZoneAccuracy: zoned ? Double(reported) / Double(samples.count) : nil,
            containingZoneAccuracy: zoned ? Double(containing) / Double(samples.count) : nil)
    }
}
