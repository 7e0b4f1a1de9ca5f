import Foundation

/// A system tool (dpkg-deb, lintian, systemd-analyze) run to the end, found on PATH. Its output
/// goes to files, not pipes, so nothing has to read while it runs.
struct ExternalTool {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    let process = Process()
    private let outputFile: URL, errorsFile: URL

    private init(_ name: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        outputFile = base.appendingPathExtension("out")
        errorsFile = base.appendingPathExtension("err")
        for file in [outputFile, errorsFile] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorsFile)
        process.standardInput = FileHandle.nullDevice
    }

    private func result() -> Result {
        defer { for file in [outputFile, errorsFile] { try? FileManager.default.removeItem(at: file) } }
        return Result(
            status: process.terminationStatus, output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? "")
    }

    /// Awaits the tool without holding a thread: lintian takes seconds, and the test run's few
    /// cooperative threads (one a core) are what the HTTP and serial tests wait on meanwhile.
    static func run(_ name: String, _ arguments: [String]) async throws -> Result {
        let tool = try ExternalTool(name, arguments)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            tool.process.terminationHandler = { _ in continuation.resume() }
            do {
                try tool.process.run()
            } catch {
                tool.process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return tool.result()
    }

    /// The same on a thread of the caller's own (the package is built on one), which it blocks.
    static func runBlocking(_ name: String, _ arguments: [String]) throws -> Result {
        let tool = try ExternalTool(name, arguments)
        try tool.process.run()
        tool.process.waitUntilExit()
        return tool.result()
    }
}
