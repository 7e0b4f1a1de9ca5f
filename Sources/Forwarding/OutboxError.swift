import GRDB

/// A failure of the outbox's database, in one line with what to do about it.
public struct OutboxError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var problem: String
    public var remedy: String

    public var description: String { "outbox: cannot \(operation): \(problem); \(remedy)" }

    public init(operation: String, underlying: any Error) {
        self.operation = operation
        if let error = underlying as? DatabaseError {
            let message = (error.message ?? "\(error.resultCode)").replacingOccurrences(of: "\n", with: " ")
            switch error.resultCode.primaryResultCode {
            case .SQLITE_FULL:
                problem = "the database is full (\(message))"
                remedy = "free disk space under the data directory; nothing is lost that was accepted before"
            case .SQLITE_READONLY:
                problem = "the database is read-only (\(message))"
                remedy = "check the data directory's permissions and mount"
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
        } else {
            problem = String(describing: underlying).replacingOccurrences(of: "\n", with: " ")
            remedy = "see the daemon's log"
        }
    }
}
