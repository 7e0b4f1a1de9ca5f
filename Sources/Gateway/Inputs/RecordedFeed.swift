import FootfallCore
import Synchronization

/// A recording's observations onto the bus, with ticks in the recording's own time so a
/// replay at any speed decides the same events; at its end the clock runs on so visits end.
/// A looped recording carries on in time: each pass is shifted to start a second after the
/// previous one ended.
final class RecordedFeed: Sendable {
    let bus: InputBus
    let finishAfter: Double
    private struct Clock {
        var tick = -Double.infinity
        /// Latest (shifted) time sent, and the time of the observation sent last.
        var time: Double?
        var previous: Double?
        /// First recorded time of this pass, and the shift applied to it.
        var first: Double?
        var offset = 0.0
    }
    private let lastTick = Mutex(Clock())

    init(bus: InputBus, finishAfter: Double) {
        self.bus = bus
        self.finishAfter = finishAfter
    }

    @Sendable func send(_ observation: Observation) {
        let (o, tick) = shifted(observation)
        if let tick { bus.send(.tick(tick)) }
        bus.send(.observation(o))
    }

    /// For a source that can wait: holds back while the pipeline catches up.
    @Sendable func sendWhenRoom(_ observation: Observation) async {
        let (o, tick) = shifted(observation)
        if let tick { await bus.sendWhenRoom(.tick(tick)) }
        await bus.sendWhenRoom(.observation(o))
    }

    /// The observation in the feed's time, and the tick due before it, if any: at the time of
    /// the observation sent before it, as `TraceSource` ticks. Never at its own: the round at a
    /// time includes the readings stamped with it, and a reading stamped far ahead (a sensor's
    /// clock, a stray) is the pipeline's to judge before the clock moves on its word.
    private func shifted(_ observation: Observation) -> (Observation, Double?) {
        lastTick.withLock { state in
            var o = observation
            if state.first == nil { state.first = o.time }
            o.time += state.offset
            state.time = max(state.time ?? o.time, o.time)
            defer { state.previous = o.time }
            guard let previous = state.previous, o.time > previous, previous - state.tick >= 1 else { return (o, nil) }
            state.tick = previous
            return (o, previous)
        }
    }

    /// The recording starts again: its next pass follows this one in time.
    @Sendable func nextPass() {
        lastTick.withLock { state in
            guard let first = state.first, let last = state.time else { return }
            state.offset = last + 1 - first
            state.first = nil
        }
    }

    @Sendable func finish() {
        if let last = lastTick.withLock({ $0.time }) { bus.send(.endOfRecording(last + finishAfter)) }
    }
}
