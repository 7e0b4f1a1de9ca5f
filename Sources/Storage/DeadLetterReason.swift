/// Why a sink gave up on events: what it said, for the engineer who reads the dead letters.
public struct DeadLetterReason: Hashable, Sendable {
    public var reason: String
    public var responseStatus: Int?
    public var responseBody: String?
    public init(reason: String, responseStatus: Int? = nil, responseBody: String? = nil) {
        self.reason = reason
        self.responseStatus = responseStatus
        self.responseBody = responseBody
    }
}
