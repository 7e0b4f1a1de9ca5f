@testable import Forwarding
import Testing

/// Waits of two minutes that must end within ninety seconds: the margin is for a full parallel
/// test run, where CPU-bound suites can hold the cooperative threads for tens of seconds.
@Suite struct WakeSignalTests {
    @Test func aSignalSentWhileNobodyWaitsEndsTheNextWaitAtOnce() async {
        let signal = WakeSignal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .seconds(120))
        #expect(ContinuousClock.now - start < .seconds(90), "the kept signal ended the wait, not the two-minute timeout")
    }

    @Test func aWaitWithoutSignalEndsAfterItsTimeoutOfTwentyMilliseconds() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(20))
        #expect(ContinuousClock.now - start >= .milliseconds(20))
    }

    @Test func aSignalWakesAWaiterWellBeforeItsTwoMinuteTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        async let waited: Void = signal.wait(timeout: .seconds(120))
        try? await Task.sleep(for: .milliseconds(10))
        signal.signal()
        await waited
        #expect(ContinuousClock.now - start < .seconds(90))
    }

    @Test func cancellingAWaiterEndsItsWaitBeforeTheTwoMinuteTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let task = Task { await signal.wait(timeout: .seconds(120)) }
        try? await Task.sleep(for: .milliseconds(10))
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - start < .seconds(90))
    }
}
