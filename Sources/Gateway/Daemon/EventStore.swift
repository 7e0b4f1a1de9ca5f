import FootfallCore
import Pipeline
import Presence

/// Where the daemon's pipeline service puts what the pipeline decides: the gateway's database.
public protocol EventStore: Sendable {
    /// Applies a batch of the pipeline's outputs in their order and in one go: records the
    /// visits that ended, fills each `store.entered` from the visit history as it stands at that
    /// point, stores the events that may leave the gateway and the analytics counts of every
    /// event (docs/analytics.md). Returns the outputs with every history query answered.
    func commit(_ outputs: [Pipeline.Output], engagedAfter: Double) async throws -> [Pipeline.Output]

    /// Stores events and analytics counts that come from no visit (the passers-by of the
    /// traffic interval in progress when the daemon stops).
    func append(_ events: [PresenceEvent], analytics: AnalyticsTally) throws

    /// What the locator learnt of the store's radio before (`keepLearntRadio`), with when it
    /// was kept (the daemon's clock); empty before the first.
    func learntRadio() throws -> (values: [LearntRadioValue], savedAt: Double?)

    /// Keeps what the locator has learnt of the store's radio, in place of what was kept.
    func keepLearntRadio(_ values: [LearntRadioValue]) throws

    /// Keeps the visits in progress at a stop (sealed: `Pseudonymizer.seal`), as of `time`
    /// (the data's time), in place of what was kept.
    func keepOpenVisits(_ sealed: [UInt8], at time: Double) throws

    /// The visits kept at the last stop, taken away so that they are taken back once; nil when
    /// none were kept.
    func takeOpenVisits() throws -> (sealed: [UInt8], savedAt: Double)?

    /// The pseudonyms of erasure requests no daemon has taken yet (`visits erase`), and whether
    /// answers no command came for are left to remove (`completeErasures` removes them).
    func pendingErasures() throws -> (identities: [String], stale: Bool)

    /// Erases again, in one transaction, what is held of the shoppers whose visits in progress
    /// and staff marks the pipeline dropped (`dropped`, by pseudonym), with the events of the
    /// dropped visits, and marks their requests taken (the daemon's clock); how many events went.
    func completeErasures(_ dropped: [String: VisitTracker.Forgotten]) throws -> Int
    /// What became of the store's file since it was opened (deleted, replaced), or nil.
    func fileProblem() -> String?
}

extension EventStore {
    public func fileProblem() -> String? { nil }
}
