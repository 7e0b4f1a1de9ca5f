/// The mean RSSI per sensor over one device's readings in the window (t − span, t], or over all
/// readings up to t, kept as running sums while t moves forward: each reading is added once
/// and removed once, however many truth samples fall in its window.
public struct WindowMeans: Sendable {
    /// Seconds looked back; nil for all of the device's readings so far.
    public let span: Double?
    private var sums: [Double]
    private var counts: [Int]
    /// Readings before `low` have left the window; readings from `high` on are still ahead.
    private var low = 0, high = 0
    private var lastTime = -Double.infinity

    public init(span: Double?, sensorCount: Int) {
        self.span = span
        sums = Array(repeating: 0, count: sensorCount)
        counts = Array(repeating: 0, count: sensorCount)
    }

    /// Moves the window's end to `time` (never backwards) over `readings`, and returns each
    /// sensor's mean RSSI in the window, nil for a sensor not heard in it.
    public mutating func means(at time: Double, over readings: ReadingLog.DeviceReadings) -> [Double?] {
        precondition(time >= lastTime, "the window only moves forward")
        lastTime = time
        // Readings stamped exactly `time` are in: the window is closed at its end.
        while high < readings.times.count, readings.times[high] <= time {
            let s = Int(readings.sensors[high])
            sums[s] += readings.rssi[high]
            counts[s] += 1
            high += 1
        }
        if let span {
            // …and open at its start: a reading at exactly time − span has left.
            while low < high, readings.times[low] <= time - span {
                let s = Int(readings.sensors[low])
                counts[s] -= 1
                // Back to exactly zero when empty, so no rounding residue carries on.
                sums[s] = counts[s] == 0 ? 0 : sums[s] - readings.rssi[low]
                low += 1
            }
        }
        return zip(sums, counts).map { sum, count in count > 0 ? sum / Double(count) : nil }
    }
}
