import Foundation
import Testing

@testable import Forwarding

/// What a sink's failure says when the machine runs out of something: what to do, and a wait a
/// person reads (it was "retrying in 0.15437699347516176 seconds").
@Suite struct FailureWordingTests {
    @Test func aFullDiskOrNoOpenFilesSaysWhatToDoAndWaitsAreRounded() {
        #expect(FileTransport.FileError(operation: "write", errno: ENOSPC).description.hasSuffix("; free space on the sink's file system (it is retried, nothing lost)"))
        #expect(FileTransport.FileError(operation: "open", errno: EMFILE).description.contains("raise LimitNOFILE"))
        #expect(FileTransport.FileError(operation: "write", errno: EIO).description == "write failed: \(String(cString: strerror(EIO)))")
        #expect(SinkWorker.shown(.nanoseconds(154_376_993)) == "0.15 s")
        #expect(SinkWorker.shown(.seconds(30)) == "30 s")
    }
}
