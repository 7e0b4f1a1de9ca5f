/// What went wrong talking to a broker, as one line that says what to do.
public enum MQTTError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Settings that cannot work (a bad URL, an unreadable certificate).
    case invalid(String)
    /// The broker could not be reached, or refused or dropped the connection.
    case connection(String)
    /// A publish that was not acknowledged.
    case publish(String)

    public var description: String {
        switch self {
        case .invalid(let text), .connection(let text), .publish(let text): text
        }
    }
}
