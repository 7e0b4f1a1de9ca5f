/// A dead or re-queued letter with the response that condemned it.
public struct OutboxLetter: Hashable, Sendable {
    public var sink: String
    public var seq: Int64
    public var eventID: String
    public var eventType: String
    public var state: String
    public var attempts: Int
    public var reason: String
    public var responseStatus: Int?
    public var responseBody: String?
    public var updatedAt: Double

    init(_ record: OutboxLetterRecord, eventID: String, eventType: String) {
        sink = record.sink
        seq = record.seq
        self.eventID = eventID
        self.eventType = eventType
        state = record.state.rawValue
        attempts = record.attempts
        reason = record.reason
        responseStatus = record.responseStatus
        responseBody = record.responseBody
        updatedAt = record.updatedAt
    }
}
