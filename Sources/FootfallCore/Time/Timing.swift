import Foundation

/// The wall clock and the chance a component decides with, passed in (STYLE.md, habit 6) so
/// that a test runs retries and timeouts at full speed and gets the same waits every time
/// (FootfallTesting's `ManualClock` makes one). The pipeline itself never reads it: its time
/// comes from the observations and the ticks of its sources.
public struct Timing: Sendable {
    /// Waits (a back-off, a Retry-After, a simulated shopper's next step); throws when the task
    /// is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniform random number in [0, 1], for the jitter of a back-off.
    public var random: @Sendable () -> Double
    /// Wall-clock seconds since the Unix epoch.
    public var now: @Sendable () -> Double
    /// Seconds on a clock that only runs forwards (`CLOCK_MONOTONIC`), for how long something
    /// has waited: the wall clock is stepped by NTP or by hand, and a deadline kept on it waits
    /// out the step too.
    public var elapsed: @Sendable () -> Double

    public init(
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        elapsed: @escaping @Sendable () -> Double = Timing.monotonicSeconds
    ) {
        self.sleep = sleep
        self.random = random
        self.now = now
        self.elapsed = elapsed
    }

    /// The system's monotonic clock, in seconds.
    @Sendable public static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The system's clock and random numbers.
    public static let live = Timing()
}
