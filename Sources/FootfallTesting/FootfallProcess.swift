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

    /// Runs the binary to its end (`runBlocking`) on a thread of its own: waiting for the child
    /// does not hold one of the test run's cooperative threads, which are as many as there are
    /// cores. Waited for on one of them, a command holds it for as long as it runs, and every
    /// continuation queued behind it (another test's timer or socket) waits as long.
    public static func run(
        _ arguments: [String], currentDirectory: URL = Fixtures.packageRoot, environment: [String: String] = [:],
        standardInput: String? = nil, timeout: Duration = .seconds(600), launcher: [String] = []
    ) async throws -> Result {
        try await onAThreadOfItsOwn {
            try runBlocking(
                arguments, currentDirectory: currentDirectory, environment: environment, standardInput: standardInput, timeout: timeout,
                launcher: launcher)
        }
    }

    /// Runs the binary to its end; `environment` is added to this process's own; `standardInput`,
    /// when given, is what it reads (answers to questions), otherwise it reads an empty input.
    /// Its input and output are files in a folder of their own, read once it has ended: a
    /// chatty child never waits on a full pipe, and nothing waits for an end-of-file. A command
    /// still running after `timeout` (one that should have refused to start, say) is killed and
    /// its standard error says so, which fails the test rather than holding the run.
    /// Blocks the calling thread: call it from a thread of its own (`run` does), never from a
    /// test's task on the cooperative pool.
    /// `launcher`: a command the binary is run under, its path appended to it (`setpriv
    /// --reuid=65534 …`, to run as another user).
    public static func runBlocking(
        _ arguments: [String], currentDirectory: URL = Fixtures.packageRoot, environment: [String: String] = [:],
        standardInput: String? = nil, timeout: Duration = .seconds(600), launcher: [String] = []
    ) throws -> Result {
        let folder = Fixtures.temporaryDirectory("footfall-command")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("stdout"), errors = folder.appendingPathComponent("stderr")
        var input = ChildProcess.Input.null
        if let standardInput {
            let file = folder.appendingPathComponent("stdin")
            try Data(standardInput.utf8).write(to: file)
            input = .file(file)
        }
        let command = launcher.isEmpty ? [executable.path] + arguments : launcher + [executable.path] + arguments
        let child = try ChildProcess(
            command[0], Array(command.dropFirst()),
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            currentDirectory: currentDirectory, input: input, output: .file(output), errors: .file(errors))
        let ended = child.waitUntilExit(timeout: timeout)
        var standardError = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        if !ended { standardError += "\n[test] footfall \(arguments.joined(separator: " ")) was still running after \(timeout) and was killed\n" }
        return Result(
            status: child.terminationStatus, standardOutput: String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self),
            standardError: standardError)
    }
}
