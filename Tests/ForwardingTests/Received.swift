import Foundation

/// Decodes what a receiver got.
enum Received {
    static func json(_ bytes: [UInt8]) -> Any? { try? JSONSerialization.jsonObject(with: Data(bytes)) }

    /// The events inside CloudEvents batches, in arrival order.
    static func cloudEvents(_ bodies: [[UInt8]]) -> [[String: Any]] {
        bodies.flatMap { (json($0) as? [[String: Any]]) ?? [] }
    }

    /// The `data` of each CloudEvent: the footfall event itself.
    static func events(_ bodies: [[UInt8]]) -> [[String: Any]] {
        cloudEvents(bodies).compactMap { $0["data"] as? [String: Any] }
    }
}
