import Synchronization

/// How many are in at once, per key, up to `most`: connections per peer address
/// (`ConnectionGuard`), Meraki bodies being read (one key), each a bound on what they hold.
final class Admissions: Sendable {
    let most: Int
    private let open = Mutex<[String: Int]>([:])

    init(most: Int) { self.most = most }

    /// Counts one more under `key`; false (not counted) when it has `most` already.
    func enter(_ key: String = "") -> Bool {
        open.withLock { open in
            let now = open[key, default: 0]
            guard now < most else { return false }
            open[key] = now + 1
            return true
        }
    }

    func leave(_ key: String = "") {
        open.withLock { open in
            let left = open[key, default: 1] - 1
            open[key] = left > 0 ? left : nil
        }
    }
}
