import FootfallCore
import Testing

@Suite struct BackoffTests {
    @Test func waitsDoubleUpToTheCapAndJitterStaysWithinIt() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(1))
        #expect((1...6).map { backoff.ceiling(attempt: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(backoff.delay(attempt: 3, unit: 0.5) == .milliseconds(200))
        #expect(backoff.delay(attempt: 3, unit: 0) == .zero)
        #expect(backoff.delay(attempt: 3, unit: 7) == .milliseconds(400), "a unit beyond 1 is the ceiling")
    }

    /// Whole seconds doubling up to the cap, and no further however many attempts.
    @Test func waitsOfOneTwoFourSecondsStopAtTheCap() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(30))
        #expect((1...7).map { backoff.ceiling(attempt: $0) } == [1, 2, 4, 8, 16, 30, 30].map { Duration.seconds($0) })
        #expect(backoff.ceiling(attempt: 0) == .seconds(1), "attempt 0 counts as the first")
        #expect(backoff.ceiling(attempt: 1_000) == .seconds(30))
    }
}
