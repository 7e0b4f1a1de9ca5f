import FootfallTestTraits
import FootfallTesting
import Foundation
import Testing

/// Long work in the tests runs on threads of their own at nice 10, so that the cooperative
/// threads, which resume every test's timers and sockets, never wait behind it (README,
/// "Layout").
@Suite struct OnItsOwnThreadTests {
    /// What a test without the trait runs at: the test process's own nice (its main thread's,
    /// whose id is the process's).
    static var processNice: Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid())) }
    /// What a thread of its own runs at.
    static var ownNice: Int32 { max(processNice, niceOfItsOwn) }

    @Test func aTestWithoutTheTraitRunsAtTheProcessesNice() async throws {
        #expect(try #require(thisThreadsNice()) == Self.processNice)
    }

    @Test func workOnAThreadOfItsOwnRunsAtNiceTenAndStaysThereAcrossASuspension() async throws {
        let nices = try await withAThreadOfItsOwn {
            let before = thisThreadsNice()
            try await Task.sleep(for: .milliseconds(1))
            return (before, thisThreadsNice())
        }
        #expect(nices.0 == Self.ownNice)
        #expect(nices.1 == Self.ownNice)
        #expect(await onAThreadOfItsOwn { thisThreadsNice() } == Self.ownNice)
    }

    @Test func aChildStartedFromAThreadOfItsOwnIsNiceTenToo() async throws {
        // The shell exits with its own nice (`nice` with no command prints it).
        let status = try await onAThreadOfItsOwn { try ChildProcess("/bin/sh", ["-c", "exit $(nice)"]).terminationStatus }
        #expect(status == Self.ownNice)
    }
}

/// Each test of the suite runs on a thread of its own.
@Suite(.onItsOwnThread) struct OnItsOwnThreadTraitTests {
    @Test func aTestOfTheSuiteRunsAtNiceTenBeforeAndAfterASuspension() async throws {
        let nice = OnItsOwnThreadTests.ownNice
        #expect(thisThreadsNice() == nice)
        try await Task.sleep(for: .milliseconds(1))
        #expect(thisThreadsNice() == nice)
    }

    @Test(arguments: [1, 2]) func eachCaseOfAParameterisedTestToo(_ case: Int) async throws {
        #expect(thisThreadsNice() == OnItsOwnThreadTests.ownNice)
    }
}
