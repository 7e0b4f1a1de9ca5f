import FootfallTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The children the tests start (daemons, commands, brokers' tools, browsers) inherit nothing of
/// the test process: a daemon holding another test's pipe to its command open would keep that
/// command unfinished for as long as the daemon ran. And a wait on a child has a bound.
@Suite struct ChildProcessTests {
    /// The descriptors `/bin/sh` holds, as it lists them itself (`ls` runs in a child of it).
    static func descriptorsOfAChild(in folder: URL, _ index: Int) throws -> [String] {
        let listing = folder.appendingPathComponent("fds-\(index)")
        let child = try ChildProcess("/bin/sh", ["-c", "ls /proc/$$/fd"], output: .file(listing))
        #expect(child.terminationStatus == 0)
        return try String(contentsOf: listing, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aChildHasOnlyItsStandardDescriptorsWhileOtherThreadsOpenPipesAndSockets() async throws {
        let folder = Fixtures.temporaryDirectory("child-fds")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A pipe as Foundation's `Pipe` makes one, not close-on-exec, open before the children start.
        var open: [Int32] = [0, 0]
        #expect(pipe(&open) == 0)
        defer { open.forEach { _ = close($0) } }
        // Meanwhile another thread keeps opening and closing pipes and socket pairs, as other tests do.
        final class Flag: Sendable { let raised = Atomic(false) }
        let stop = Flag()
        let churn = Thread {
            while !stop.raised.load(ordering: .relaxed) {
                var fds: [Int32] = [0, 0]
                if pipe(&fds) == 0 { fds.forEach { _ = close($0) } }
                if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 { fds.forEach { _ = close($0) } }
            }
        }
        churn.start()
        defer { stop.raised.store(true, ordering: .relaxed) }
        let lists = try await onAThreadOfItsOwn { try (0..<40).map { try Self.descriptorsOfAChild(in: folder, $0) } }
        for list in lists { #expect(list == ["0", "1", "2"]) }
    }

    @Test func aPipeWhoseWriteEndWeCloseEndsAlthoughALongLivedChildStartedWhileItWasOpen() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        // Lives until killed: a daemon's lifetime.
        let child = try ChildProcess("/usr/bin/tail", ["-f", "/dev/null"])
        defer {
            child.send(SIGKILL)
            child.waitUntilExit()
        }
        _ = close(fds[1])
        // End of file at once: the child does not hold the write end (with it, this read would
        // wait for as long as the child lives).
        let reader = fds[0]
        let read = await onAThreadOfItsOwn { () -> Int in
            // Bounded: were the child to hold the write end, the test fails after 60 s.
            var descriptor = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 60_000) == 1 else { return -1 }
            var byte: UInt8 = 0
            return Glibc.read(reader, &byte, 1)
        }
        _ = close(fds[0])
        #expect(read == 0)
        #expect(child.isRunning)
    }

    @Test func exitCodesSignalsDirectoryAndEnvironmentAreTheChilds() async throws {
        let folder = Fixtures.temporaryDirectory("child-status")
        defer { try? FileManager.default.removeItem(at: folder) }
        let exited = try ChildProcess("/bin/sh", ["-c", "exit 3"])
        #expect(exited.terminationStatus == 3 && exited.terminationReason == .exit)
        // The same through `setpriv`, which becomes the command: its pid, its status.
        let tied = try ChildProcess("/bin/sh", ["-c", "exit 4"], diesWithTestProcess: true)
        #expect(tied.terminationStatus == 4 && tied.terminationReason == .exit)

        // The test process ignores SIGPIPE and its threads block signals; the child has neither.
        let daemon = try ChildProcess("/usr/bin/tail", ["-f", "/dev/null"], diesWithTestProcess: true)
        #expect(daemon.isRunning)
        daemon.send(SIGTERM)
        #expect(await onAThreadOfItsOwn { daemon.waitUntilExit(timeout: .seconds(60)) }, "SIGTERM ends it")
        #expect(!daemon.isRunning)
        #expect(daemon.terminationReason == .uncaughtSignal && daemon.terminationStatus == SIGTERM)

        let output = folder.appendingPathComponent("output"), input = folder.appendingPathComponent("input")
        try Data("an answer\n".utf8).write(to: input)
        let shell = try ChildProcess(
            "/bin/sh", ["-c", "pwd; echo \"$FOOTFALL_CHILD_TEST\"; read line; echo \"$line\"; echo oops >&2"],
            environment: ["FOOTFALL_CHILD_TEST": "set for the child", "PATH": "/usr/bin:/bin"], currentDirectory: folder,
            input: .file(input), output: .file(output), errors: .standardOutput)
        #expect(shell.terminationStatus == 0)
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == [folder.resolvingSymlinksInPath().path, "set for the child", "an answer", "oops"])
    }

    @Test func aChildThatDoesNotEndIsKilledOnceTheWaitIsOver() async throws {
        let folder = Fixtures.temporaryDirectory("child-stuck")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("output")
        // Ignores SIGTERM, as a daemon stuck in its shutdown would, once it has said so.
        let stuck = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; echo ignoring; exec tail -f /dev/null"], output: .file(output))
        try #require(await waitUntil { ((try? String(contentsOf: output, encoding: .utf8)) ?? "").contains("ignoring") })
        stuck.send(SIGTERM)
        let ended = await onAThreadOfItsOwn { stuck.waitUntilExit(timeout: .milliseconds(200)) }
        #expect(!ended)
        #expect(!stuck.isRunning)
        #expect(stuck.terminationReason == .uncaughtSignal && stuck.terminationStatus == SIGKILL)
    }

    @Test func aCommandThatCannotStartSaysWhich() {
        let error = #expect(throws: ChildProcessError.self) { try ChildProcess("/nonexistent/tool", []) }
        #expect(error?.description.contains("/nonexistent/tool") == true)
    }
}
