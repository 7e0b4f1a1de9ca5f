import GRDB

/// A row of `outbox_letter`: an event one sink rejected (`dead`) or that an engineer asked to
/// send again (`retry`), with the response that condemned it.
struct OutboxLetterRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "outbox_letter"

    enum State: String, Codable {
        case dead, retry
    }

    var sink: String
    var seq: Int64
    var state: State
    /// Attempts it took, summed over every time it was lettered.
    var attempts: Int
    var reason: String
    var responseStatus: Int?
    var responseBody: String?
    var updatedAt: Double

    enum CodingKeys: String, CodingKey {
        case sink, seq, state, attempts, reason
        case responseStatus = "response_status"
        case responseBody = "response_body"
        case updatedAt = "updated_at"
    }
}
