import FootfallTesting
import Testing

/// Runs each test of a suite with a thread of its own as its task executor
/// (`withAThreadOfItsOwn`), for suites whose tests compute for seconds between suspensions.
///
/// Swift Testing starts every test at once on the cooperative threads, as many as there are
/// cores. A test that simulates or replays for seconds before its first suspension holds one of
/// them for as long, and everything queued behind it waits: on a two-core machine a probe that
/// slept 100 ms at a time was resumed 56 and 82 s late at the start of two full runs
/// (2026-12-06), while the Positioning and Calibration suites computed, and in one of them a
/// delivery test's flush interval ran out during the stall.
public struct OnItsOwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // The suite as a whole has nothing of its own to run; each of its test cases does.
        guard testCase != nil else { return try await function() }
        try await withAThreadOfItsOwn { try await function() }
    }
}

extension Trait where Self == OnItsOwnThreadTrait {
    /// Each test (each case of a parameterised one) on a thread of its own.
    public static var onItsOwnThread: Self { Self() }
}
