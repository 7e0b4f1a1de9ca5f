import FootfallCore

/// A live source's observations, straight onto the bus (the wall clock ticks the pipeline).
struct LiveFeed: Sendable {
    let bus: InputBus
    @Sendable func send(_ observation: Observation) { bus.send(.observation(observation)) }
}
