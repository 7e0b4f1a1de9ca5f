import FootfallCore
import FootfallTesting
import Testing

@Suite struct ManualClockTests {
    @Test func aSleeperWakesOnlyWhenTheClockIsMovedPastItsDeadline() async throws {
        let clock = ManualClock(now: 100)
        let timing = clock.timing
        let sleeper = Task { try await timing.sleep(.seconds(5)) }
        try #require(await waitUntil { clock.sleepers == 1 })
        clock.advance(by: .seconds(4))
        #expect(clock.sleepers == 1 && timing.now() == 104)
        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(clock.sleepers == 0 && clock.waits == [.seconds(5)])
    }

    @Test func cancellingASleeperEndsItsWaitWithCancellationError() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(.seconds(3600)) }
        try #require(await waitUntil { clock.sleepers == 1 })
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleepers == 0)
    }

    @Test func aWaitOfNothingReturnsAtOnceAndTheJitterIsTheOneGiven() async throws {
        let clock = ManualClock(random: { 0.25 })
        try await clock.timing.sleep(.zero)
        #expect(clock.timing.random() == 0.25)
        #expect(clock.waits == [.zero])
    }
}
