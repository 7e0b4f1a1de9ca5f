import Foundation

/// Each sensor's last batch of one device, held for the seconds until the sensor is due to
/// report the device again.
///
/// A sensor that reports a device only every few seconds (a node that gates its reports, a
/// receiver that scans part of the time, a phone's scan that misses a beacon) is silent in
/// most batches though it hears the device well. Counted as silent, it says the device is far
/// from it; left out, each batch is fitted with the one or two sensors that happened to
/// report, its offset taking up what their levels have in common. Held, every batch is fitted
/// with every sensor that hears the device, as a mean over a few seconds is.
///
/// Held only:
/// - for a sensor that gates its reports of the device: the running mean of its gaps between
///   reports, which starts from one batch, has reached `gated`, two batches — after one gap
///   for a sensor reporting every fifth batch, two for every third, never quite for every
///   other. One that reports in most batches and misses one has missed it: its silence then
///   counts at the silence model's measured miss rate, and a device that walks has moved on
///   from its last batch (held after such misses too, the passers-by of the demo store were
///   counted as visitors more often);
/// - while the sensor is not yet due: less than that interval since its last report (gaps
///   counted up to `longest`, the locator's `window`, beyond which a reading is not recent);
/// - if that reading was well above the floor (`surely`): near the floor a silence is the
///   device walking out of range, and the packets that got through were the lucky strong ones;
/// - weighed by how much of its shadowing the device still shares with the place it was heard,
///   exp(−speed · age / `shadowing_correlation`): whole for a device standing still, little for
///   one that has walked on.
struct HeldReadings: Sendable {
    private struct Last: Sendable {
        var rssi: Double
        var count: Int
        var time: Double
        /// Running mean of the seconds between this sensor's batches of the device, from 1.
        var interval: Double
    }

    /// Share of each new gap in the running mean of a sensor's interval.
    static let intervalRate = 0.3
    /// The interval (s) between a sensor's reports of a device from which it is taken to gate
    /// them: two one-second batches.
    static let gated = 2.0

    private var last: [Last?]
    /// The longest a reading is held and a gap counted (s): the locator's `window`.
    private let longest: Double

    init(sensors: Int, longest: Double) {
        last = Array(repeating: nil, count: sensors)
        self.longest = longest
    }

    /// Sensor `sensor` heard the device in the batch at `time`: its mean level and how many
    /// packets (before any gain is taken off).
    mutating func heard(sensor: Int, rssi: Double, count: Int, at time: Double) {
        guard sensor < last.count else { return }
        var interval = 1.0
        if let previous = last[sensor] {
            let gap = min(max(time - previous.time, 1), max(longest, 1))
            interval = (1 - Self.intervalRate) * previous.interval + Self.intervalRate * gap
        }
        last[sensor] = Last(rssi: rssi, count: count, time: time, interval: interval)
    }

    /// The reading held for `sensor`, which did not hear the device in the batch at `time`, with
    /// `gain` taken off its level as off a fresh one; nil when the sensor does not gate its
    /// reports, is due, was near the floor (below `surely`), or has never heard the device.
    func reading(
        of sensor: Int, at time: Double, gain: Double, surely: Double, speed: Double, correlation: Double
    ) -> GridFilter.Reading? {
        guard sensor < last.count, let held = last[sensor], held.interval >= Self.gated else { return nil }
        let age = time - held.time
        guard age > 0, age < min(held.interval, longest), held.rssi - gain >= surely else { return nil }
        let weight = exp(-max(speed, 0) * age / max(correlation, 0.1))
        return GridFilter.Reading(sensor: sensor, rssi: held.rssi - gain, count: held.count, weight: weight, held: true)
    }
}
