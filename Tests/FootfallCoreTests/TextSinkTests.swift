import FootfallCore
import FootfallTesting
import Foundation
import Testing

@Suite struct TextSinkTests {
    /// A command stopped by a signal runs no deinit: its `<file>.partial-<pid>` stayed, gigabytes
    /// for a long simulation (audit). The next sink for that file removes those of processes that
    /// no longer run, and leaves a running one's.
    @Test func partialFilesOfStoppedCommandsGoWhenTheFileIsWrittenAgain() throws {
        let directory = Fixtures.temporaryDirectory("partials")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.csv").path
        // A pid no process has (above the kernel's default pid_max of 4194304).
        let abandoned = path + ".partial-4194399"
        let running = path + ".partial-1"
        for file in [abandoned, running] { try "half\n".write(toFile: file, atomically: false, encoding: .utf8) }
        let sink = try TextSink(path: path)
        sink.write("whole\n")
        try sink.close()
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: running), "pid 1 runs: its file is its own")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "whole\n")
        #expect("a\r\nb\nc".textLines == ["a", "b", "c"])
    }
}
