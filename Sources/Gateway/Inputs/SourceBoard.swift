import Synchronization

/// What each source is doing, for `/api/status` and `footfall status`.
final class SourceBoard: Sendable {
    private let states = Mutex<[String: String]>([:])

    func set(_ source: String, _ state: String) { states.withLock { $0["source \(source)"] = state } }

    var snapshot: [String: String] { states.withLock { $0 } }
}
