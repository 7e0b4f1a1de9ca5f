import FootfallCore

/// What sources feed the pipeline: observations, and the passage of time (how an exit is
/// noticed when nothing is heard). Live sources tick with the wall clock; a replayed trace
/// ticks with the trace's own time.
public enum PipelineInput: Sendable, Hashable {
    case observation(Observation)
    case tick(Double)
}

/// Many sources, one pipeline: a buffered stream every source writes into. When the pipeline
/// falls behind, the oldest inputs are dropped and counted rather than memory growing without
/// bound.
public final class InputBus: Sendable {
    public let stream: AsyncStream<PipelineInput>
    private let continuation: AsyncStream<PipelineInput>.Continuation
    private let dropped = LockedCounter()

    public init(capacity: Int = 1 << 18) {
        (stream, continuation) = AsyncStream.makeStream(of: PipelineInput.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    public func send(_ input: PipelineInput) {
        if case .dropped = continuation.yield(input) { dropped.add(1) }
    }

    public func finish() { continuation.finish() }

    /// Inputs lost because the pipeline fell behind.
    public var droppedCount: Int { dropped.value }
}

import Foundation

/// A counter shared between tasks.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
