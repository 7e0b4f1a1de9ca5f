import FootfallCore
import Synchronization

/// A visit history in memory, for replays and tests.
public final class InMemoryVisitHistory: VisitHistory, Sendable {
    private let byIdentity = Mutex<[String: [VisitRecord]]>([:])

    public init() {}

    public func visits(of identity: String, since: Double) throws -> [VisitRecord] {
        byIdentity.withLock { ($0[identity] ?? []).filter { $0.start >= since } }
    }

    public func record(_ visit: VisitRecord) throws {
        byIdentity.withLock { $0[visit.identity, default: []].append(visit) }
    }
}
