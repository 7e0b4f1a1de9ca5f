import FootfallCore

/// The visits that ended and how many of them lasted under a minute, counted from the
/// `store.exited` events of every device (counted-only ones included): what `footfall replay`,
/// /api/status and `footfall status` give (`ReplaySummary.shortVisitsLine`). Shoppers' visits
/// last minutes; a large share under a minute is mostly passers-by taken in as they walked past.
public struct VisitLengths: Sendable, Hashable {
    public private(set) var ended = 0
    public private(set) var underAMinute = 0

    public init() {}

    public mutating func add(_ event: PresenceEvent) {
        guard event.type == .storeExited, let duration = event.visitDurationSeconds else { return }
        ended += 1
        if duration < 60 { underAMinute += 1 }
    }
}
