import Synchronization

/// Many sources, one pipeline: a buffered stream every source writes into. When the pipeline
/// falls behind live sources, the oldest inputs are dropped and counted rather than memory
/// growing without bound (a position is wanted now, not a minute late). A recording replayed
/// as fast as possible waits for room instead (`sendWhenRoom`), so nothing of it is dropped.
public final class InputBus: Sendable {
    public let stream: AsyncStream<PipelineInput>
    private let continuation: AsyncStream<PipelineInput>.Continuation
    private let dropped = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    /// Observations (and ticks) sent and not yet taken by the consumer.
    private let pending = Atomic<Int>(0)
    public let capacity: Int

    public init(capacity: Int = 1 << 18) {
        self.capacity = capacity
        (stream, continuation) = AsyncStream.makeStream(of: PipelineInput.self, bufferingPolicy: .bufferingNewest(capacity))
    }

    /// Sends an input; false once the bus is finished (the pipeline stopping), when nothing
    /// takes it: an API answering for it then says so, and its sender sends it again.
    @discardableResult
    public func send(_ input: PipelineInput) -> Bool {
        pending.add(input.weight, ordering: .relaxed)
        switch continuation.yield(input) {
        case .dropped(let old):
            dropped.add(old.weight, ordering: .relaxed)
            pending.subtract(old.weight, ordering: .relaxed)
        case .terminated:
            pending.subtract(input.weight, ordering: .relaxed)
            return false
        case .enqueued:
            break
        @unknown default:
            break
        }
        return true
    }

    /// Whether the pipeline stopped taking inputs (`finish`).
    public var isFinished: Bool { finished.load(ordering: .relaxed) }

    /// Sends once the buffer is less than half full: how a replayed recording keeps pace with
    /// the pipeline without losing anything.
    public func sendWhenRoom(_ input: PipelineInput) async {
        while pending.load(ordering: .relaxed) >= capacity / 2, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(1))
        }
        send(input)
    }

    /// The consumer took an input off the stream.
    public func taken(_ input: PipelineInput) { pending.subtract(input.weight, ordering: .relaxed) }

    public func finish() {
        finished.store(true, ordering: .relaxed)
        continuation.finish()
    }

    /// Inputs lost because the pipeline fell behind.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
}

