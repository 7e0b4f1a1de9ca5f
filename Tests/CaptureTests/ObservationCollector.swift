import Capture
import FootfallCore
import FootfallTesting
import Foundation

/// Collects observations from a source's handler, for assertions.
final class ObservationCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Observation] = []

    var handler: ObservationHandler { { observation in self.lock.withLock { self.items.append(observation) } } }
    var observations: [Observation] { lock.withLock { items } }
    var count: Int { lock.withLock { items.count } }

    /// Waits until `count` observations arrived or `seconds` passed (by default `waitUntil`'s
    /// five minutes: the ceiling only matters when they never come, and a loaded machine holds a
    /// fake controller's thread back for long).
    func wait(for count: Int, seconds: Double = 300) async {
        _ = await waitUntil(timeout: .seconds(seconds), every: .milliseconds(10)) { self.count >= count }
    }
}
