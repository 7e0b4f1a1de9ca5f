import Foundation

extension FootfallProcess {
    /// A `footfall` process left running, for tests that stop it the hard way.
    public final class Running: @unchecked Sendable {
        public let process: ChildProcess
        public let logFile: URL
        public var pid: Int32 { process.processIdentifier }

        init(process: ChildProcess, logFile: URL) {
            self.process = process
            self.logFile = logFile
        }

        /// Sends a signal (SIGKILL by default) and waits for the process to end: after another
        /// signal (SIGTERM: a graceful stop) for at most `grace`, then it is killed, so that a
        /// daemon that never stops fails its test instead of holding the run.
        /// Returns whether it ended by itself; if not, says so on standard error (a test that
        /// checks how it stopped sees SIGKILL in `process.terminationStatus`).
        @discardableResult
        public func kill(_ signal: Int32 = SIGKILL, grace: Duration = .seconds(120)) -> Bool {
            process.send(signal)
            if signal == SIGKILL {
                process.waitUntilExit()
                return true
            }
            let ended = process.waitUntilExit(timeout: grace)
            if !ended {
                FileHandle.standardError.write(Data("[test] footfall (pid \(pid), log \(logFile.path)) did not stop within \(grace) of signal \(signal); killed it\n".utf8))
            }
            return ended
        }

        /// `kill` on a thread of its own, for async tests: a daemon finishing its work after
        /// SIGTERM does not hold one of the test run's few cooperative threads meanwhile.
        @discardableResult
        public func killOnItsOwnThread(_ signal: Int32 = SIGKILL, grace: Duration = .seconds(120)) async -> Bool {
            await onAThreadOfItsOwn { self.kill(signal, grace: grace) }
        }

        public var isRunning: Bool { process.isRunning }

        /// What it wrote to standard output and standard error so far.
        public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    }

    /// Starts the real binary and returns at once; its output goes to a log file (not a pipe,
    /// which a killed reader could leave full). It dies with the test process: a crashed or
    /// stopped test run leaves no daemon loading the machine.
    /// `environment` entries are added to the test's own (as systemd adds NOTIFY_SOCKET).
    public static func start(
        _ arguments: [String], currentDirectory: URL = Fixtures.packageRoot, logFile: URL, environment: [String: String] = [:]
    ) throws -> Running {
        let process = try ChildProcess(
            executable.path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { _, added in added },
            currentDirectory: currentDirectory, output: .file(logFile), errors: .standardOutput, diesWithTestProcess: true)
        return Running(process: process, logFile: logFile)
    }
}
