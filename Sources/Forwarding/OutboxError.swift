import Foundation
import Storage

/// A failure of the outbox's database, in one line with what to do about it.
public struct OutboxError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var problem: String
    public var remedy: String
    /// The database's disk (or its size) was full.
    public var isFull = false

    public var description: String { "outbox: cannot \(operation): \(problem); \(remedy)" }

    public init(operation: String, underlying: any Error) {
        self.operation = operation
        isFull = DatabaseFailure.isFull(underlying)
        if let failure = DatabaseFailure(underlying) {
            problem = failure.problem
            remedy = failure.remedy
        } else {
            problem = String(describing: underlying).replacingOccurrences(of: "\n", with: " ")
            remedy = "see the daemon's log"
        }
    }
}
