import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Synchronization
import Testing

/// The HTTP sinks against a real receiver on 127.0.0.1 that answers as a misconfigured or
/// stalling one would.
@Suite struct HTTPTransportTests {
    /// A 302 to a page that answers a GET with 200: followed, as AsyncHTTPClient does by
    /// default, the POST became a GET without its body and the batch counted delivered.
    @Test func aRedirectIsNotFollowedAndTheBatchWaits() async throws {
        let receiver = try await HTTPReceiver.start { request in
            request.method == "POST" ? .init(status: 302, headers: [("Location", "/landing")]) : .ok
        }
        defer { Task { try? await receiver.stop() } }
        let transport = HTTPTransport(options: .init(url: receiver.url + "/events", timeout: .seconds(60)), now: Timing.live.now)
        let outcome = await transport.send(Array("{}".utf8), contentType: "application/json")
        #expect(outcome == .retry(reason: "HTTP 302: the receiver redirects to /landing; set the url (a sink's, or upstream.url) to where it now is", after: nil))
        #expect(receiver.requests.map(\.method) == ["POST"], "no GET followed the redirect")
    }

    /// A receiver that sends its answer's head and then nothing: the sink's timeout covers the
    /// body too, so the sink moves on (and the daemon can stop) instead of waiting for ever.
    @Test func aReceiverThatStallsItsAnswerIsTimedOut() async throws {
        let receiver = try await HTTPReceiver.start { _ in .init(status: 200, body: "{\"success\":true}", withholdBody: true) }
        defer { Task { try? await receiver.stop() } }
        let transport = HTTPTransport(options: .init(url: receiver.url, timeout: .seconds(1)), now: Timing.live.now)
        let outcome = Mutex<DeliveryOutcome?>(nil)
        let sending = Task {
            let result = await transport.send(Array("{}".utf8), contentType: "application/json")
            outcome.withLock { $0 = result }
        }
        // Bounded, so a regression fails here rather than holding the run.
        let answered = await waitUntil(timeout: .seconds(120), every: .milliseconds(20)) { outcome.withLock { $0 != nil } }
        if !answered { sending.cancel() }
        #expect(answered, "the send did not return within two minutes")
        // Given up on as a failure to retry: the body's stall by this transport's own limit (or,
        // should a loaded run hold the answer's head back a second, AsyncHTTPClient's).
        guard case .retry(let reason, nil)? = outcome.withLock({ $0 }) else {
            Issue.record("\(String(describing: outcome.withLock { $0 })): not a failure to retry")
            return
        }
        #expect(reason == "\(receiver.url): no whole answer within 1000 ms (the sink's timeout_ms)" || reason.contains("deadlineExceeded"), "\(reason)")
    }

    /// Credentials put in a sink's url (a user and password, an api_key in the query) are not
    /// repeated in its failures, which the log, the status and `footfall status` show.
    @Test func aFailureDoesNotRepeatTheCredentialsInTheSinksURL() async throws {
        let refusing = try RefusingPort()
        let transport = HTTPTransport(
            options: .init(url: "http://user:URLPASSWORD42@127.0.0.1:\(refusing.port)/ingest?api_key=QUERYKEY43", timeout: .seconds(60)), now: Timing.live.now)
        guard case .retry(let reason, _) = await transport.send(Array("{}".utf8), contentType: "application/json") else {
            Issue.record("nothing listens on port 1: a failure")
            return
        }
        #expect(reason == "http://127.0.0.1:\(refusing.port)/ingest?…: Connection refused", "\(reason)")
        #expect(URLRedaction.shown("mqtt://broker.local:1883") == "mqtt://broker.local:1883")
        #expect(URLRedaction.shown("https://u:p@cdp.example/v1/batch") == "https://cdp.example/v1/batch")
    }

    /// A jsonl file whose last line was cut off (a crash mid-write, another program) gets it
    /// ended before the next batch, so every line after it reads as JSON.
    @Test func aJSONLinesFileCutOffMidLineIsEndedBeforeTheNextBatch() async throws {
        let directory = Fixtures.temporaryDirectory("jsonl-cut")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.jsonl").path
        try Data("{\"id\":\"a\"}\n{\"id\":\"b".utf8).write(to: URL(fileURLWithPath: path))
        let transport = FileTransport(path: path, fsync: .always, now: Timing.live.now)
        #expect(await transport.send(Array("{\"id\":\"c\"}\n".utf8), contentType: "application/x-ndjson") == .delivered)
        #expect(await transport.send(Array("{\"id\":\"d\"}\n".utf8), contentType: "application/x-ndjson") == .delivered)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "{\"id\":\"a\"}\n{\"id\":\"b\n{\"id\":\"c\"}\n{\"id\":\"d\"}\n")
    }
}
