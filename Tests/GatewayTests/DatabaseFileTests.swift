import FootfallCore
import FootfallTesting
import Foundation
@testable import Gateway
import Storage
import Testing

/// The database file deleted under a running gateway (a clean-up script, a mistaken `rm`): the
/// gateway carried on writing into the file it had open, said nothing, and the outbox, the
/// visit history and the kept visits went with the process (audit). It stops, and saves what the
/// file held back in its place for the next start.
@Suite struct DatabaseFileTests {
    @Test func aDatabaseDeletedUnderTheGatewayIsSavedBackAndTheGatewayStops() async throws {
        let store = try DaemonSourceTests.store(sources: "  - type: simulate\n    shoppers_per_hour: 3000\n    speed: 10\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await DaemonSourceTests.start(store)
        defer { daemon.kill() }
        let database = (store.data as NSString).appendingPathComponent("gateway.sqlite")
        _ = client
        // Events stored first (an identified shopper's, or a traffic count): the outbox has
        // something to lose. Looked at through a connection of the test's own, closed after.
        try #require(try await waitUntil {
            try await onAThreadOfItsOwn { try GatewayDatabase(path: database).outboxStatusAndLastSequence().lastSequence > 0 }
        }, "\(daemon.log)")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        #expect(await onAThreadOfItsOwn { daemon.process.waitUntilExit(timeout: .seconds(300)) }, "\(daemon.log)")
        #expect(daemon.process.terminationStatus == 1)
        #expect(daemon.log.contains("gateway.sqlite was deleted (or its directory moved) while the gateway had it open; its contents (outbox, visit history, kept visits) are saved back as"), "\(daemon.log)")
        let saved = try GatewayDatabase(path: database)
        let appended = try saved.outboxStatusAndLastSequence().lastSequence
        #expect(appended > 0, "the events stored before the deletion are back")
    }

    /// A file system a disk error left read-only (the mount table may still say rw) is named
    /// where the data directory's files cannot be opened.
    @Test func aReadOnlyFileSystemIsNamedWhereAFileCannotBeOpened() {
        let directory = Fixtures.temporaryDirectory("remedy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let remedy = GatewayData.remedy(for: [directory.path, directory.appendingPathComponent("footfall.lock").path], error: EROFS)
        #expect(remedy?.contains("is read-only (a disk error remounts it so: see `dmesg`); fix the disk, and remount it read-write") == true, "\(remedy ?? "nil")")
        #expect(GatewayData.remedy(for: [directory.path], error: EACCES) == nil || getuid() != 0)
    }

    /// The key with no database beside it at a start: the database of an earlier run is missing,
    /// said, not made anew in silence.
    @Test func aKeyWithoutItsDatabaseIsSaidAtTheStart() throws {
        let directory = Fixtures.temporaryDirectory("data-missing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try GatewayData(directory: directory.path)
        #expect(first.warnings.isEmpty)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory.appendingPathComponent("gateway.sqlite" + suffix).path) }
        let second = try GatewayData(directory: directory.path)
        #expect(second.warnings.count == 1 && second.warnings[0].contains("gateway.sqlite is not: the database of an earlier run"), "\(second.warnings)")
    }
}

/// The data directory's disk full while the gateway runs: it stops (a supervisor restarts it
/// once there is room), and the space it set aside at its start (`reserve`, 8 MiB) is freed for
/// its last writes — the batch of events that failed, and the visits in progress, kept for the
/// next start. Both were lost (audit: every visit in progress left open for good). On a small
/// tmpfs, which only root may mount.
@Suite(.enabled(if: getuid() == 0, "mounts a small tmpfs")) struct FullDiskTests {
    @Test func aFullDiskStopsTheGatewayWithTheFailedBatchStoredAndTheVisitsKept() async throws {
        let store = try DaemonSourceTests.store(sources: "  - type: simulate\n    shoppers_per_hour: 3000\n    speed: 10\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let small = store.directory.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mounted = try ChildProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", small])
        try #require(mounted.terminationStatus == 0, "mount failed")
        defer { _ = try? ChildProcess("/bin/umount", ["-l", small]) }
        let data = (small as NSString).appendingPathComponent("data")
        let daemon = try FootfallProcess.start(["run", "--config", store.config, "--data", data], logFile: store.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        let client = try await DaemonClient(daemon, token: "t")
        #expect(FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("reserve")), "\(daemon.log)")
        try #require(try await waitUntil {
            let metrics = try await client.get("/metrics").body
            return metrics.contains("footfall_events_total{type=\"store.entered\"}") && !metrics.contains("footfall_events_total{type=\"store.entered\"} 0")
        }, "\(daemon.log)")
        // Everything left on the disk taken.
        // In one call (a `dd` descheduled between two writes could take the reserve once freed).
        let filled = try ChildProcess("/bin/sh", ["-c", "fallocate -l $(( $(stat -f -c '%a * %S' \(small)) )) \(small)/filler || dd if=/dev/zero of=\(small)/filler bs=64k 2>/dev/null; true"])
        #expect(filled.terminationStatus == 0)
        #expect(await onAThreadOfItsOwn { daemon.process.waitUntilExit(timeout: .seconds(300)) }, "\(daemon.log)")
        #expect(daemon.process.terminationStatus == 1)
        let log = daemon.log
        #expect(log.contains("the space set aside for it was freed, and the events of the batch that failed are stored"), "\(log)")
        #expect(log.contains("kept the visits in progress for the next start") && !log.contains("cannot keep the visits in progress"), "\(log)")
    }

    /// A data directory on a file system mounted read-only: said as such, with what to do. (A
    /// disk error's read-only remount that the mount table does not show fails at the lock with
    /// EROFS, which says the same, `GatewayData.remedy`.)
    @Test func aReadOnlyFileSystemIsSaidAsSuch() async throws {
        let store = try DaemonSourceTests.store(sources: "  - type: simulate\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        // The data directory is the mount point of a read-only tmpfs.
        let data = store.directory.appendingPathComponent("readonly").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try #require(try ChildProcess("/bin/mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", data]).terminationStatus == 0, "mount failed")
        defer { _ = try? ChildProcess("/bin/umount", ["-l", data]) }
        let result = try await FootfallProcess.run(["run", "--config", store.config, "--data", data])
        #expect(result.status != 0)
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
        #expect(errors.count == 1 && errors[0].contains("read-only") && errors[0].contains("remount it read-write"), "\(result.standardError)")
    }
}
