import Foundation

/// A system tool (dpkg-deb, lintian, systemd-analyze) run to the end, found on PATH.
enum ExternalTool {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        if let directory { process.currentDirectoryURL = directory }
        // Standard error goes to a file, so a tool chatty on both cannot block on a full pipe.
        let errorsFile = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorsFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self), errors: errors)
    }
}
