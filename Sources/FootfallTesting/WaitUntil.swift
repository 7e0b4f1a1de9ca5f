/// Waits until `condition` holds, looking every few milliseconds, or until `timeout` passes;
/// returns whether it held. How a test waits for something to happen instead of sleeping for
/// it: the timeout only matters when it never does, so it is generous (a full test run on two
/// loaded cores has held a task back for over two minutes).
public func waitUntil(
    timeout: Duration = .seconds(300), every interval: Duration = .milliseconds(5), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
