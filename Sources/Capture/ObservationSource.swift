import FootfallCore

/// Where a capture source delivers observations. Called from the source's task, in order; it
/// should return quickly (yield into an `AsyncStream`, append to a buffer).
public typealias ObservationHandler = @Sendable (Observation) -> Void
