import Synchronization

/// What the daemon's health endpoint reports about delivery: one status per component
/// (`outbox` for the database, `sink:<name>` for each sink), each with the reason it is not ok.
public final class ForwardingHealth: Sendable {
    public enum Status: Hashable, Sendable, CustomStringConvertible {
        case ok
        /// Still working but behind: a sink retrying.
        case degraded(String)
        /// Events cannot be stored or delivered until someone acts.
        case failing(String)

        public var description: String {
            switch self {
            case .ok: "ok"
            case .degraded(let reason): "degraded: \(reason)"
            case .failing(let reason): "failing: \(reason)"
            }
        }

        var rank: Int {
            switch self {
            case .ok: 0
            case .degraded: 1
            case .failing: 2
            }
        }
    }

    private let components = Mutex<[String: Status]>([:])

    public init() {}

    public func set(_ component: String, _ status: Status) {
        components.withLock { $0[component] = status }
    }

    public func status(of component: String) -> Status {
        components.withLock { $0[component] ?? .ok }
    }

    public var all: [String: Status] { components.withLock { $0 } }

    /// The worst status of any component.
    public var overall: Status {
        all.values.max { $0.rank < $1.rank } ?? .ok
    }
}
