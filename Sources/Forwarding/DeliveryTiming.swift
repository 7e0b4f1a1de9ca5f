import Foundation

/// Everything delivery decides on time with, injectable so tests of back-off and Retry-After
/// run at full speed and give the same waits every time.
public struct DeliveryTiming: Sendable {
    /// Waits before a retry (back-off or Retry-After); throws when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniform random number in [0, 1], for the jitter.
    public var random: @Sendable () -> Double
    /// Wall-clock seconds since the Unix epoch.
    public var now: @Sendable () -> Double

    public init(
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double,
        now: @escaping @Sendable () -> Double
    ) {
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    public static let live = DeliveryTiming(
        sleep: { try await Task.sleep(for: $0) },
        random: { Double.random(in: 0...1) },
        now: { Date().timeIntervalSince1970 })
}
