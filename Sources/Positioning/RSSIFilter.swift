/// Robust filter of one sensor's readings of one device.
///
/// Two defences, cheapest first: a plausibility range (a +42 dBm report is not a radio
/// measurement) and a Hampel filter — a reading far from the median of the recent ones is
/// dropped, unless the next readings agree with it, in which case the device really moved and
/// the filter follows. Accepted readings are kept for two consumers: the level over a recent
/// window (multilateration) and the readings not yet given to the grid filter (`takePending`).
/// Storage is inline (no allocation per reading).
public struct RSSIFilter: Sendable {
    /// Readings kept for the median; eight covers ~2 s of a beacon advertising at 4 Hz.
    static let capacity = 8

    private var values = SIMD8<Double>()
    private var times = SIMD8<Double>(repeating: -.infinity)
    private var next = 0
    private var count = 0
    private var consecutiveRejections = 0
    private var pendingSum = 0.0
    private var pendingCount = 0
    /// Time of the last accepted reading.
    public private(set) var lastTime = -Double.infinity

    public init() {}

    /// Offers one reading; returns whether it was accepted.
    @discardableResult
    public mutating func add(
        rssi: Double, at time: Double, plausible: ClosedRange<Double>, gate: Double, window: Double
    ) -> Bool {
        guard rssi.isFinite, plausible.contains(rssi) else { return false }
        if count >= 3, !allRecent(within: gate, of: rssi, at: time, window: window),
            let median = recentMedian(at: time, window: window), abs(rssi - median) > gate
        {
            // Hampel identifier: |x − median| > max(gate, 3 · 1.4826 · MAD) is an outlier. The
            // spread is only needed once the reading is beyond the fixed gate.
            let spread = recentSpread(around: median, at: time, window: window)
            if abs(rssi - median) > max(gate, 3 * 1.4826 * spread) {
                consecutiveRejections += 1
                // Three outliers in a row are a change of level, not noise.
                guard consecutiveRejections >= 3 else { return false }
                count = 0
                next = 0
            }
        }
        consecutiveRejections = 0
        values[next] = rssi
        times[next] = time
        next = (next + 1) % Self.capacity
        count = min(count + 1, Self.capacity)
        pendingSum += rssi
        pendingCount += 1
        lastTime = max(lastTime, time)
        return true
    }

    /// Mean of the accepted readings in `(time − window, time]`, and how many there were.
    public func level(at time: Double, window: Double) -> (rssi: Double, count: Int)? {
        var sum = 0.0
        var n = 0
        for i in 0..<count where times[i] > time - window && times[i] <= time {
            sum += values[i]
            n += 1
        }
        return n > 0 ? (sum / Double(n), n) : nil
    }

    /// The mean of the readings accepted since the last `takePending`, and how many; keeps them.
    public var pending: (rssi: Double, count: Int)? {
        pendingCount > 0 ? (pendingSum / Double(pendingCount), pendingCount) : nil
    }

    /// The mean of the readings accepted since the last call, and how many; clears them.
    public mutating func takePending() -> (rssi: Double, count: Int)? {
        defer {
            pendingSum = 0
            pendingCount = 0
        }
        return pending
    }

    /// Whether every kept reading within the window is within `gate` of `rssi`: then so is
    /// their median, and the sort is not needed (the usual case: a few lane-wise operations).
    private func allRecent(within gate: Double, of rssi: Double, at time: Double, window: Double) -> Bool {
        let lanes = SIMD8<Double>(0, 1, 2, 3, 4, 5, 6, 7)
        let recent = (lanes .< SIMD8(repeating: Double(count))) .& (times .> SIMD8(repeating: time - window))
        let low = SIMD8(repeating: Double.infinity).replacing(with: values, where: recent).min()
        let high = SIMD8(repeating: -Double.infinity).replacing(with: values, where: recent).max()
        return high - rssi <= gate && rssi - low <= gate
    }

    /// Median of the kept readings within the window.
    private func recentMedian(at time: Double, window: Double) -> Double? {
        var recent = SIMD8<Double>()
        var n = 0
        for i in 0..<count where times[i] > time - window {
            recent[n] = values[i]
            n += 1
        }
        return n > 0 ? Self.median(&recent, n) : nil
    }

    /// Median absolute deviation from `median` of the kept readings within the window.
    private func recentSpread(around median: Double, at time: Double, window: Double) -> Double {
        var deviations = SIMD8<Double>()
        var n = 0
        for i in 0..<count where times[i] > time - window {
            deviations[n] = abs(values[i] - median)
            n += 1
        }
        return n > 0 ? Self.median(&deviations, n) : 0
    }

    /// Median of the first `n` lanes by insertion sort (n ≤ 8: cheaper than any allocation).
    private static func median(_ v: inout SIMD8<Double>, _ n: Int) -> Double {
        for i in 1..<max(n, 1) {
            let x = v[i]
            var j = i - 1
            while j >= 0 && v[j] > x {
                v[j + 1] = v[j]
                j -= 1
            }
            v[j + 1] = x
        }
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
    }
}
