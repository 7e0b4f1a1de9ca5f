import FootfallCore
import Foundation
import Presence
import Storage

/// A visit history that reads from SQLite but holds new visits until the event store commits
/// them with their events; reads see the held visits too.
public final class DeferredVisitHistory: VisitHistory, @unchecked Sendable {
    let database: GatewayDatabase
    private let lock = NSLock()
    private var pending: [VisitRecord] = []

    init(database: GatewayDatabase) { self.database = database }

    public func visits(of identity: String, since: Double) throws -> [VisitRecord] {
        let held = lock.withLock { pending.filter { $0.identity == identity && $0.start >= since } }
        let stored = try database.visits(of: identity, since: since)
        return stored + held.filter { !stored.contains($0) }
    }

    public func record(_ visit: VisitRecord) throws {
        lock.withLock { pending.append(visit) }
    }

    func takePending() -> [VisitRecord] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }

    func restore(_ visits: [VisitRecord]) {
        lock.withLock { pending.insert(contentsOf: visits, at: 0) }
    }
}
