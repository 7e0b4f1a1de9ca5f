import Foundation

extension FootfallProcess {
    /// A `footfall` process left running, for tests that stop it the hard way.
    public final class Running: @unchecked Sendable {
        public let process: Process
        public let logFile: URL
        public var pid: Int32 { process.processIdentifier }

        init(process: Process, logFile: URL) {
            self.process = process
            self.logFile = logFile
        }

        /// Sends a signal (SIGKILL by default) and waits for the process to end.
        public func kill(_ signal: Int32 = SIGKILL) {
            _ = Foundation.kill(pid, signal)
            process.waitUntilExit()
        }

        /// `kill` on a thread of its own, for async tests: a daemon finishing its work after
        /// SIGTERM does not hold one of the test run's few cooperative threads meanwhile.
        public func killOnItsOwnThread(_ signal: Int32 = SIGKILL) async {
            await onAThreadOfItsOwn { self.kill(signal) }
        }

        public var isRunning: Bool { process.isRunning }

        /// What it wrote to standard output and standard error so far.
        public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    }

    /// Starts the real binary and returns at once; its output goes to a log file (not a pipe,
    /// which a killed reader could leave full).
    /// `environment` entries are added to the test's own (as systemd adds NOTIFY_SOCKET).
    public static func start(
        _ arguments: [String], currentDirectory: URL = Fixtures.packageRoot, logFile: URL, environment: [String: String] = [:]
    ) throws -> Running {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = currentDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Running(process: process, logFile: logFile)
    }
}
