@testable import Forwarding
import Testing

@Suite struct WakeSignalTests {
    @Test func aSignalSentWhileNobodyWaitsEndsTheNextWaitAtOnce() async {
        let signal = WakeSignal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(15), "the kept signal ended the wait, not the 30 s timeout")
    }

    @Test func aWaitWithoutSignalEndsAfterItsTimeoutOfTwentyMilliseconds() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(20))
        #expect(ContinuousClock.now - start >= .milliseconds(20))
    }

    @Test func aSignalWakesAWaiterWellBeforeItsThirtySecondTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        async let waited: Void = signal.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(10))
        signal.signal()
        await waited
        #expect(ContinuousClock.now - start < .seconds(15))
    }

    @Test func cancellingAWaiterEndsItsWaitBeforeTheThirtySecondTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let task = Task { await signal.wait(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(10))
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - start < .seconds(15))
    }
}
