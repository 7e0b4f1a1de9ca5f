import Foundation

/// Runs the real `footfall` binary built beside the tests, for tests of the command line.
public enum FootfallProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The built executable: next to the test bundle, or under .build/debug.
    public static var executable: URL {
        let besideTests = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("footfall")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/footfall")
    }

    /// `run` on a thread of its own, for async tests: waiting for the child does not hold one
    /// of the test run's few cooperative threads.
    public static func runOnItsOwnThread(
        _ arguments: [String], currentDirectory: URL = Fixtures.packageRoot, environment: [String: String] = [:],
        standardInput: String? = nil
    ) async throws -> Result {
        try await onAThreadOfItsOwn {
            try run(arguments, currentDirectory: currentDirectory, environment: environment, standardInput: standardInput)
        }
    }

    /// Runs the binary to its end; `environment` is added to this process's own; `standardInput`,
    /// when given, is what it reads (answers to questions), otherwise it reads an empty input.
    public static func run(
        _ arguments: [String], currentDirectory: URL = Fixtures.packageRoot, environment: [String: String] = [:],
        standardInput: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = currentDirectory
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        // Never the terminal the tests run in: a command asking a question would wait for it.
        process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
        try process.run()
        if let standardInput {
            // Small enough for the pipe's buffer: written whole and closed before reading the
            // output. A command that exits without reading it must not kill the tests.
            signal(SIGPIPE, SIG_IGN)
            try? input.fileHandleForWriting.write(contentsOf: Data(standardInput.utf8))
            try? input.fileHandleForWriting.close()
        }
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}
