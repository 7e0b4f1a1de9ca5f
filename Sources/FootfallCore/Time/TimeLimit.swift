/// Runs work that must not take longer than a limit: past it the work is cancelled and
/// `TimeLimit.Exceeded` thrown. For waits on the network that the other side can stretch
/// at will (an answer's body, a request's body).
public enum TimeLimit {
    public struct Exceeded: Error, CustomStringConvertible {
        public var limit: Duration
        public var description: String { "took longer than \(limit)" }
    }

    public static func run<T: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded(limit: limit) }
            return value
        }
    }
}
