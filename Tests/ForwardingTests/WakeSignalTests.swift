import FootfallTesting
@testable import Forwarding
import Testing

/// Waits of an hour that must end within half of it: the margin is for a full parallel test run
/// on a small machine, where CPU-bound suites can hold the cooperative threads for minutes; a
/// wait that really ran to its timeout is caught by the suite's time limit.
@Suite(.timeLimit(.minutes(10))) struct WakeSignalTests {
    @Test func aSignalSentWhileNobodyWaitsEndsTheNextWaitAtOnce() async {
        let signal = WakeSignal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .seconds(3600))
        #expect(ContinuousClock.now - start < .seconds(1800), "the kept signal ended the wait, not the hour's timeout")
    }

    @Test func aWaitWithoutSignalEndsAfterItsTimeoutOfTwentyMilliseconds() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(20))
        #expect(ContinuousClock.now - start >= .milliseconds(20))
    }

    @Test func aSignalWakesAWaiterWellBeforeItsHourLongTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        async let waited: Void = signal.wait(timeout: .seconds(3600))
        #expect(await waitUntil { signal.isWaiting })
        signal.signal()
        await waited
        #expect(ContinuousClock.now - start < .seconds(1800))
    }

    @Test func cancellingAWaiterEndsItsWaitBeforeTheHourLongTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let task = Task { await signal.wait(timeout: .seconds(3600)) }
        #expect(await waitUntil { signal.isWaiting })
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - start < .seconds(1800))
    }
}
