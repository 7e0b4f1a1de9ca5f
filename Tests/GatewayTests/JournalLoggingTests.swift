import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Logging
import Testing

/// Under the service the journal takes the daemon's standard output (`JOURNAL_STREAM`): each
/// line carries its syslog priority, so `journalctl -u footfall -p warning` finds the warnings
/// and the critical lines (every line had been filed at info), and no time of its own.
@Suite struct JournalLoggingTests {
    @Test func eachLevelHasItsPriorityAndALineIsOneEntry() {
        let priorities = Logger.Level.allCases.map(JournalLogHandler.priority)
        #expect(priorities == [7, 7, 6, 5, 4, 3, 2])
        let line = JournalLogHandler.line(
            level: .warning, label: "footfall", message: "the locating gateway did not take a batch;\nretrying",
            metadata: ["reason": "HTTP 503", "attempt": "2"], source: "Forwarding")
        #expect(line == "<4>warning footfall: attempt=2 reason=HTTP 503 [Forwarding] the locating gateway did not take a batch; retrying\n")
        // A value of several lines (a reason a peer sent) cannot begin an entry of its own.
        let forged = JournalLogHandler.line(level: .info, label: "footfall", message: "sink failed", metadata: ["reason": "x\r\n<2>critical forged"], source: "S")
        #expect(forged.split(separator: "\n").count == 1 && forged.hasPrefix("<6>"), "\(forged)")
        #expect(!JournalLogHandler.standardOutputIsTheJournal(environment: [:]))
        #expect(!JournalLogHandler.standardOutputIsTheJournal(environment: ["JOURNAL_STREAM": "8:12345678"]), "another stream than standard output")
    }

    @Test func theDaemonWritesPrioritiesWhereTheJournalIsItsOutput() async throws {
        let receiver = try await HTTPReceiver.start()
        let setup = try await onAThreadOfItsOwn { try DaemonTests.setup(receiver: receiver, speed: 0) }
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        // The log file stands for the journal's stream: its device and inode are JOURNAL_STREAM.
        let logFile = setup.directory.appendingPathComponent("daemon.log")
        #expect(FileManager.default.createFile(atPath: logFile.path, contents: nil))
        var info = stat()
        #expect(stat(logFile.path, &info) == 0)
        let daemon = try FootfallProcess.start(
            ["run", "--config", setup.config, "--data", setup.data], logFile: logFile,
            environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"])
        defer { daemon.kill() }
        // The notice that only identified shoppers' visits are delivered, and the lines of the
        // start at info (the API listening comes after the notice: waited for too, a loaded run
        // had been stopped between them).
        let noticed = await waitUntil(timeout: .seconds(300), every: .milliseconds(200)) {
            daemon.log.contains("<5>notice footfall:") && daemon.log.contains("<6>info footfall:")
        }
        #expect(noticed, "\(daemon.log.prefix(2000))")
        await daemon.killOnItsOwnThread(SIGTERM)
        let lines = daemon.log.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<5>notice footfall:") && $0.contains("only identified shoppers") }, "\(daemon.log.prefix(2000))")
        #expect(lines.contains { $0.hasPrefix("<6>info footfall:") }, "\(daemon.log.prefix(2000))")
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "every line a priority: \(daemon.log.prefix(2000))")
        // swift-log's own lines begin with a time like 2026-12-07T15:44:45+0000.
        #expect(!lines.contains { $0.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"#, options: .regularExpression) != nil }, "no time of its own")
        try await receiver.stop()
    }
}
