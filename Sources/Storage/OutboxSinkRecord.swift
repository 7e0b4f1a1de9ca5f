import GRDB

/// A row of `outbox_sink`: one sink's cursor (every event with `seq <= cursor` is settled for
/// it, delivered or lettered) and the state of the head of its queue.
struct OutboxSinkRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "outbox_sink"

    var name: String
    var cursor: Int64 = 0
    /// Failed attempts at the head of the queue since the last settled round.
    var attempts: Int = 0
    var lastError: String?
    var lastAttemptAt: Double?
    var nextAttemptAt: Double?
    var deliveredCount: Int = 0

    enum CodingKeys: String, CodingKey {
        case name, cursor, attempts
        case lastError = "last_error"
        case lastAttemptAt = "last_attempt_at"
        case nextAttemptAt = "next_attempt_at"
        case deliveredCount = "delivered_count"
    }
}
