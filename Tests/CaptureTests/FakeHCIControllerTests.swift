import FootfallTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fake controller itself: a test that leaves it scanning with nobody reading (its host
/// killed, or gone without turning scanning off) must still be able to stop it.
@Suite struct FakeHCIControllerTests {
    @Test func aFakeLeftScanningWithNobodyReadingStillStops() async throws {
        let fake = try FakeHCIController()
        let host = open(fake.devicePath, O_RDWR | O_NOCTTY)
        try #require(host >= 0, "cannot open \(fake.devicePath): errno \(errno)")
        defer { _ = close(host) }
        // LE Set Scan Enable (0x200C), on, duplicates not filtered; then the host reads nothing.
        let command: [UInt8] = [0x01, 0x0C, 0x20, 0x02, 0x01, 0x00]
        #expect(command.withUnsafeBytes { write(host, $0.baseAddress, $0.count) } == command.count)
        // Reports pile up until the terminal's queue is full (about 20 kB) and the fake waits.
        #expect(await waitUntil { fake.isWaitingForTheHost }, "\(fake.reportsSent) reports sent")
        // stop() returns: on a thread of its own, so that were it to wait forever this test
        // would fail after the wait rather than hold the run.
        final class Flag: Sendable { let raised = Atomic(false) }
        let stopped = Flag()
        Thread {
            fake.stop()
            stopped.raised.store(true, ordering: .sequentiallyConsistent)
        }.start()
        #expect(await waitUntil(timeout: .seconds(60)) { stopped.raised.load(ordering: .sequentiallyConsistent) })
    }
}
