import Foundation

/// What a reader needs to reproduce a run: the command, the date, the commit.
struct RunInfo: Sendable {
    var command: String
    var date: String
    var commit: String
    var seconds: Double = 0

    /// The command as `make accuracy` spells it, whatever path the binary was started from.
    static func current(arguments: [String]) -> RunInfo {
        let command = (["swift run -c release FootfallAccuracy"] + arguments.dropFirst().map(quoted)).joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        var commit = git(["rev-parse", "--short=12", "HEAD"]) ?? "unknown"
        // Uncommitted changes to tracked files (this report itself aside) make the commit an approximation.
        if let status = git(["status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/accuracy.md", ":!docs/accuracy.svg"]), !status.isEmpty {
            commit += " with uncommitted changes"
        }
        return RunInfo(command: command, date: formatter.string(from: Date()), commit: commit)
    }

    static func quoted(_ argument: String) -> String {
        argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=".contains($0) } ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `git` in the current directory; nil when it is not a repository or git is missing.
    static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
