import FootfallCore

/// What sources feed the pipeline: observations, and the passage of time (how an exit is
/// noticed when nothing is heard). Live sources tick with the wall clock; a replayed trace
/// ticks with the trace's own time.
public enum PipelineInput: Sendable, Hashable {
    case observation(Observation)
    /// Observations in time order, sent together: a replay's burst, a remote sensor's batch.
    /// One element on the bus instead of many, so the pipeline wakes once for them.
    case observations([Observation])
    case tick(Double)
    /// A recording ended (a trace, a capture file, not looped again): the readings held to be
    /// judged are taken, and the clock runs on to this time so that every visit ends.
    case endOfRecording(Double)

    /// What an input weighs against the bus's capacity: its observations (a tick, one).
    var weight: Int {
        if case .observations(let list) = self { return max(list.count, 1) }
        return 1
    }
}
