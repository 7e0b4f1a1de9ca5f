import Foundation
import GRDB

/// What went wrong with the database, in words an engineer on site can act on: the problem
/// and its remedy, each on one line.
public struct DatabaseFailure: Hashable, Sendable {
    public var problem: String
    public var remedy: String

    /// Whether `error` is the database's disk (or its size) being full.
    public static func isFull(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.resultCode.primaryResultCode == .SQLITE_FULL
    }

    /// Nil for an error that is not the database's (the caller describes it).
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        let message = (error.message ?? "\(error.resultCode)").replacingOccurrences(of: "\n", with: " ")
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL:
            problem = "the database is full (\(message))"
            remedy = "free disk space under the data directory; nothing is lost that was accepted before"
        case .SQLITE_READONLY:
            problem = "the database is read-only (\(message))"
            remedy = "check the data directory's permissions and mount (a disk error remounts a file system read-only: see `dmesg`)"
        case .SQLITE_IOERR:
            problem = "a disk error (\(message))"
            remedy = "check the disk"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            problem = "the database is locked (\(message))"
            remedy = "stop the other process writing to it"
        default:
            problem = "SQLite error \(error.resultCode.rawValue) (\(message))"
            remedy = "see the daemon's log"
        }
    }
}
