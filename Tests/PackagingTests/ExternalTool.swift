import FootfallTesting
import Foundation

/// A system tool (dpkg-deb, lintian, systemd-analyze) run to the end, found on PATH. Its output
/// goes to files, not pipes, so nothing has to read while it runs.
struct ExternalTool {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    private let outputFile: URL, errorsFile: URL
    private let name: String, arguments: [String]

    private init(_ name: String, _ arguments: [String]) {
        self.name = name
        self.arguments = arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        outputFile = base.appendingPathExtension("out")
        errorsFile = base.appendingPathExtension("err")
    }

    /// Runs it to its end on the calling thread.
    private func runHere() throws -> Result {
        defer { for file in [outputFile, errorsFile] { try? FileManager.default.removeItem(at: file) } }
        let child = try ChildProcess("/usr/bin/env", [name] + arguments, output: .file(outputFile), errors: .file(errorsFile))
        return Result(
            status: child.terminationStatus, output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? "")
    }

    /// Runs it on a thread of its own: lintian takes seconds, and the test run's few cooperative
    /// threads (one a core) are what the HTTP and serial tests wait on meanwhile.
    static func run(_ name: String, _ arguments: [String]) async throws -> Result {
        try await onAThreadOfItsOwn { try ExternalTool(name, arguments).runHere() }
    }

    /// The same on a thread of the caller's own (the package is built on one), which it blocks.
    static func runBlocking(_ name: String, _ arguments: [String]) throws -> Result {
        try ExternalTool(name, arguments).runHere()
    }
}
