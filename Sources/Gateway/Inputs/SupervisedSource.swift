import FootfallCore
import Logging
import ServiceLifecycle

/// Runs a source and keeps the daemon up when it fails: the error is logged, counted
/// (`footfall_source_errors_total`) and shown in the status, and a live source is started again
/// with back-off (an adapter unplugged, a serial controller reset, an interface not yet in
/// monitor mode). This is the one place a live source is retried: a source itself fails and
/// returns. One that had worked for `stableAfter` before it failed (an adapter unplugged
/// after a day) is retried from the back-off's first step again, one that keeps failing at the
/// start waits longer each time. A recording that fails or ends stays so; the rest of the
/// gateway runs on.
struct SupervisedSource<Source: Service>: Service {
    let name: String
    let recorded: Bool
    let board: SourceBoard
    let metrics: GatewayMetrics
    let logger: Logger
    let source: Source
    var finished: @Sendable () -> Void = {}
    /// A recording played again and again; `nextPass` is called between passes.
    var loop = false
    var nextPass: @Sendable () -> Void = {}
    /// Restarts of a live source wait the ceiling of each step (no crowd to spread).
    var backoff = Backoff(base: .seconds(1), cap: .seconds(60))
    /// How long a source must have run before its failure counts as a new one, s.
    var stableAfter = 60.0
    var timing: Timing = .live

    func run() async throws {
        metrics.sourceStarted(name)
        var attempt = 1
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            board.set(name, "running")
            let started = timing.now()
            do {
                try await source.run()
                if recorded, loop, !Task.isCancelled, !Task.isShuttingDownGracefully {
                    nextPass()
                    continue
                }
                if recorded {
                    board.set(name, "finished")
                    finished()
                }
                break
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                let message = "\(error)".replacingOccurrences(of: "\n", with: " ")
                metrics.sourceError(name)
                if recorded {
                    board.set(name, "failed: \(message)")
                    logger.error("source failed", metadata: ["source": "\(name)", "error": "\(message)"])
                    finished()
                    break
                }
                if timing.now() - started >= stableAfter { attempt = 1 }
                let wait = backoff.ceiling(attempt: attempt)
                let seconds = Int(wait / .seconds(1))
                board.set(name, "failing: \(message) (retrying in \(seconds) s)")
                logger.error("source failed; retrying", metadata: ["source": "\(name)", "error": "\(message)", "retry_in_s": "\(seconds)"])
                do {
                    try await cancelWhenGracefulShutdown { try await timing.sleep(wait) }
                } catch {
                    break
                }
                attempt += 1
            }
        }
        if board.snapshot["source \(name)"] == "running" { board.set(name, "stopped") }
        // A finished source must not end the daemon.
        try await gracefulShutdownOrCancel()
    }
}

/// Waits until the service group shuts down (or the task is cancelled): a finished source
/// must not end the daemon.
func gracefulShutdownOrCancel() async throws {
    try? await gracefulShutdown()
}
