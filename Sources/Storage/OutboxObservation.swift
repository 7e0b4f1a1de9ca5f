import GRDB

/// The watch `GatewayDatabase.observeOutbox` keeps on the outbox: it lasts until `cancel()`.
public final class OutboxObservation: Sendable {
    private let cancellable: AnyDatabaseCancellable

    init(_ cancellable: AnyDatabaseCancellable) {
        self.cancellable = cancellable
    }

    public func cancel() {
        cancellable.cancel()
    }
}
