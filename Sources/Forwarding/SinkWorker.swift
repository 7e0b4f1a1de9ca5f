import FootfallCore
import Foundation
import Logging
import Storage

/// Delivers one sink's queue: one request in flight at a time, so each shopper's events reach
/// the receiver in the order they were appended; retries with back-off; records every outcome
/// in the outbox before moving on.
struct SinkWorker: Sendable {
    let sink: Sink
    let database: GatewayDatabase
    let options: Forwarder.Options
    let timing: Timing
    let logger: Logger
    let metrics: SinkMetrics
    let storage: StorageMetrics
    let health: ForwardingHealth
    let signal: WakeSignal

    enum Next {
        case ready([OutboxEntry])
        case empty
        case waitForMore(Duration)
        case storageFailed
    }

    enum RoundResult {
        /// Recorded: delivered, or with `refused` the receiver's reason for refusing it for good.
        case settled(refused: String?)
        case retry(reason: String, after: Duration?)
        case storageFailed
    }

    /// A dead letter on its way to the database (a tuple is not Sendable).
    struct Condemned: Sendable {
        var entry: OutboxEntry
        var reason: DeadLetterReason
    }

    /// Why a drain stopped before the queue was empty.
    struct Stopped: Error {
        var sink: String
        var reason: String
    }

    /// Delivers until cancelled (then flushes what it can within the grace period), or with
    /// `untilDrained`, until the queue is empty; a drain that must wait for the receiver throws.
    func run(untilDrained: Bool) async throws {
        await register()
        metrics.healthy.record(1)
        var failures = 0
        // The reason of the last failed attempt logged.
        var lastLoggedReason: String?
        // Batches refused for good in a row, and whether the sink shows unhealthy.
        var refusals = 0
        var unhealthy = false
        var lastGauges = 0.0
        while !Task.isCancelled {
            if timing.now() - lastGauges >= 0.5 {
                await updateGauges()
                lastGauges = timing.now()
            }
            switch await next(ignoringFlushInterval: false) {
            case .empty:
                if untilDrained {
                    await updateGauges()
                    return
                }
                await signal.wait(timeout: options.pollInterval)
                continue
            case .waitForMore(let remaining):
                await signal.wait(timeout: remaining)
                continue
            case .storageFailed:
                failures += 1
                if untilDrained { throw Stopped(sink: sink.name, reason: health.status(of: "outbox").description) }
                try? await timing.sleep(options.backoff.delay(attempt: failures, unit: timing.random()))
                continue
            case .ready(let entries):
                switch await attempt(entries) {
                case .settled(let refused):
                    if failures > 0 { logger.notice("sink \(sink.name): delivering again after \(failures) failed attempts") }
                    failures = 0
                    lastLoggedReason = nil
                    refusals = refused == nil ? 0 : refusals + 1
                    // A receiver that refuses every batch (its schema changed, the events too
                    // large) fills the dead letters: shown, as a failing one is.
                    if let refused, refusals >= 3 {
                        health.set(
                            "sink:\(sink.name)",
                            .degraded("\(refusals) batches in a row with events refused for good, last: \(refused); they are dead letters (footfall outbox list --state dead)"))
                        metrics.healthy.record(0)
                        unhealthy = true
                    } else if unhealthy {
                        // Answered: the failed attempts it showed are over (and fewer than three
                        // refusals in a row are no pattern yet).
                        health.set("sink:\(sink.name)", .ok)
                        metrics.healthy.record(1)
                        unhealthy = false
                    }
                case .storageFailed:
                    failures += 1
                    if untilDrained { throw Stopped(sink: sink.name, reason: health.status(of: "outbox").description) }
                    try? await timing.sleep(options.backoff.delay(attempt: failures, unit: timing.random()))
                case .retry(let reason, let after):
                    failures += 1
                    let delay = after.map { min($0, options.maxRetryAfter) }
                        ?? options.backoff.delay(attempt: failures, unit: timing.random())
                    // One line per change of reason, and then at attempts 2, 4, 8, … (an outage of
                    // a day is a few dozen lines, not one a minute); the status and the metrics
                    // count every attempt.
                    if reason != lastLoggedReason || failures & (failures - 1) == 0 {
                        logger.warning("sink \(sink.name): attempt \(failures) failed (\(reason)); retrying in \(Self.shown(delay))")
                        lastLoggedReason = reason
                    }
                    if failures >= 3 {
                        health.set("sink:\(sink.name)", .degraded("\(failures) failed attempts, last: \(reason)"))
                        metrics.healthy.record(0)
                        unhealthy = true
                    }
                    await recordFailure(reason: reason, delay: delay)
                    if untilDrained { throw Stopped(sink: sink.name, reason: reason) }
                    do { try await timing.sleep(delay) } catch { break }
                }
            }
        }
        await flushAfterCancellation()
    }

    /// A wait as a person reads it: `0.15 s`, `12 s`, not seventeen digits of a second.
    static func shown(_ delay: Duration) -> String {
        let seconds = delay / .seconds(1)
        return seconds < 10 ? String(format: "%.2f s", seconds) : String(format: "%.0f s", seconds)
    }

    private func register() async {
        var failures = 0
        // At least one try even when already cancelled, so the flush after cancellation has a cursor.
        repeat {
            do {
                // Read first: a sink known from an earlier run starts even on a read-only database.
                let (name, database) = (sink.name, database)
                try await Self.uncancellable { try await database.registerSink(name) }
                return
            } catch {
                failures += 1
                storageFailed(error, operation: "register sink \(sink.name)")
                try? await timing.sleep(options.backoff.delay(attempt: failures, unit: timing.random()))
            }
        } while !Task.isCancelled
    }

    func next(ignoringFlushInterval: Bool) async -> Next {
        let entries: [OutboxEntry]
        let (name, limit) = (sink.name, sink.batching.maxEvents)
        do {
            // GRDB's async access runs on its own queues, not on the cooperative pool.
            entries = try await database.nextBatch(for: name, limit: limit)
        } catch is CancellationError {
            return .empty
        } catch {
            storageFailed(error, operation: "read the queue of sink \(sink.name)")
            return .storageFailed
        }
        guard let first = entries.first else { return .empty }
        let flush = sink.batching.flushInterval
        if !ignoringFlushInterval, flush > .zero, entries.count < sink.batching.maxEvents, !first.isRedelivery {
            let age = Duration.milliseconds(Int64((timing.now() - first.appendedAt) * 1000))
            // A wall clock stepped back since the append makes the age negative: waited out.
            if age >= .zero, age < flush { return .waitForMore(flush - age) }
        }
        return .ready(entries)
    }

    /// Encodes as much of `entries` as fits one request, sends it and records the outcome.
    func attempt(_ entries: [OutboxEntry]) async -> RoundResult {
        let encoder = sink.encoder
        var items: [[UInt8]] = []
        var sent: [OutboxEntry] = []
        var round: [OutboxEntry] = []
        var dead: [(OutboxEntry, DeadLetterReason)] = []
        var bytes = encoder.envelopeBytes(itemCount: 0)
        for entry in entries {
            let item = encoder.item(for: entry)
            if item.count > sink.batching.maxEventBytes {
                let reason = "event \(entry.eventID) encodes to \(item.count) bytes, over the sink's limit of \(sink.batching.maxEventBytes) bytes an event"
                dead.append((entry, DeadLetterReason(reason: reason)))
                round.append(entry)
                continue
            }
            if !sent.isEmpty && bytes + item.count + 1 > sink.batching.maxBytes { break }
            items.append(item)
            sent.append(entry)
            round.append(entry)
            bytes += item.count + 1
        }
        var outcome = DeliveryOutcome.delivered
        if !sent.isEmpty {
            if let each = sink.transport as? any PerEventTransport {
                outcome = await each.send(items: items, of: sent)
            } else {
                outcome = await sink.transport.send(encoder.body(items: items, sentAt: timing.now()), contentType: encoder.contentType)
            }
        }
        switch outcome {
        case .delivered, .deliveredExcept:
            // Every event delivered but those the receiver refused for good (a per-event
            // transport's): those are dead letters beside the ones too large to send.
            let refused: [Int: DeadLetterReason] = if case .deliveredExcept(let refused) = outcome { refused } else { [:] }
            let condemned = dead + refused.sorted { $0.key < $1.key }.compactMap { index, why in sent.indices.contains(index) ? (sent[index], why) : nil }
            guard await settle(round, dead: condemned) else { return .storageFailed }
            let now = timing.now()
            metrics.delivered.increment(by: sent.count - refused.count)
            for (index, entry) in sent.enumerated() where refused[index] == nil {
                metrics.latency.recordNanoseconds(Int64(max(0, now - entry.appendedAt) * 1e9))
            }
            noteDead(condemned)
            return .settled(refused: refused.sorted { $0.key < $1.key }.first?.value.reason)
        case .rejected(let why):
            let condemned = dead + sent.map { ($0, why) }
            guard await settle(round, dead: condemned) else { return .storageFailed }
            noteDead(condemned)
            return .settled(refused: why.reason)
        case .retry(let reason, let after):
            metrics.retried.increment(by: sent.count)
            return .retry(reason: reason, after: after)
        }
    }

    private func settle(_ round: [OutboxEntry], dead: [(OutboxEntry, DeadLetterReason)]) async -> Bool {
        do {
            let now = timing.now()
            let name = sink.name
            let (dead, database) = (dead.map { Condemned(entry: $0.0, reason: $0.1) }, database)
            try await Self.uncancellable {
                try await database.settle(sink: name, round: round, dead: dead.map { ($0.entry, $0.reason) }, at: now)
            }
            if case .failing = health.status(of: "outbox") {
                health.set("outbox", .ok)
                storage.healthy.record(1)
                logger.notice("outbox: writes succeed again")
            }
            return true
        } catch {
            // The batch reached the receiver but its receipt is not stored: it will be sent
            // again with the same ids, which the receiver deduplicates.
            storageFailed(error, operation: "record the delivery of \(round.count) events to sink \(sink.name)")
            return false
        }
    }

    private func noteDead(_ dead: [(OutboxEntry, DeadLetterReason)]) {
        guard !dead.isEmpty else { return }
        metrics.dead.increment(by: dead.count)
        logger.error("sink \(sink.name): \(dead.count) events moved to the dead letters: \(dead[0].1.reason)")
    }

    private func recordFailure(reason: String, delay: Duration) async {
        let now = timing.now()
        let name = sink.name
        do {
            let database = database
            try await Self.uncancellable {
                try await database.recordFailure(sink: name, error: reason, nextAttemptAt: now + delay / .seconds(1), at: now)
            }
        } catch {
            storageFailed(error, operation: "record a failed attempt of sink \(sink.name)")
        }
    }

    private func storageFailed(_ error: any Error, operation: String) {
        let failure = OutboxError(operation: operation, underlying: error)
        logger.error("\(failure.description)")
        storage.errors.increment()
        storage.healthy.record(0)
        health.set("outbox", .failing(failure.description))
    }

    /// Runs a bookkeeping write to its end even when the worker is being cancelled: GRDB rolls
    /// back a cancelled access, and a receipt rolled back is a batch sent twice.
    static func uncancellable<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }

    func updateGauges() async {
        let name = sink.name
        guard let status = try? await database.outboxStatus().first(where: { $0.sink == name }) else { return }
        metrics.pending.record(status.pending)
        metrics.oldestPendingSeconds.record(status.oldestPendingAppendedAt.map { max(0, timing.now() - $0) } ?? 0)
    }

    /// After cancellation: one more pass over what is pending, in a task of its own (not
    /// cancelled), bounded by the grace period; stops at the first failure.
    private func flushAfterCancellation() async {
        let worker = self
        let flush = Task {
            let deadline = worker.timing.now() + worker.options.shutdownGrace / .seconds(1)
            while worker.timing.now() < deadline, !Task.isCancelled {
                guard case .ready(let entries) = await worker.next(ignoringFlushInterval: true) else { break }
                guard case .settled = await worker.attempt(entries) else { break }  // a refusal too is recorded
            }
            await worker.updateGauges()
        }
        // An attempt in flight when the grace period ends is cancelled (a transport that honours
        // it gives up at once; its bookkeeping still runs to its end): the stop takes the grace
        // period, not the grace period and then a whole attempt's timeout.
        let timer = Task {
            try await worker.timing.sleep(worker.options.shutdownGrace)
            flush.cancel()
        }
        await flush.value
        timer.cancel()
    }
}
