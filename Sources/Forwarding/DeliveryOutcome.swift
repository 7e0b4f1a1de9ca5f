import Storage

/// What became of one batch.
public enum DeliveryOutcome: Hashable, Sendable {
    case delivered
    /// Worth trying again: a network error, a timeout, 5xx, 408 or 429. `after` is the
    /// receiver's Retry-After, when it gave one.
    case retry(reason: String, after: Duration?)
    /// The receiver refused the batch for good (4xx other than 408 and 429).
    case rejected(DeadLetterReason)
    /// Per-event transports: every event delivered but those at these indexes of the batch,
    /// which the receiver refused for good (an MQTT 5 broker's PUBACK: its ACL, its size limit).
    case deliveredExcept([Int: DeadLetterReason])
}
