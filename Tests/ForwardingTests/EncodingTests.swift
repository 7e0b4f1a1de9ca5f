import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Storage
import Testing

@Suite struct EncodingTests {
    func entries(_ count: Int) -> [OutboxEntry] {
        TestEvents.make(count: count).enumerated().map { OutboxEntry(seq: Int64($0 + 1), event: $1, appendedAt: 1_700_000_100) }
    }

    @Test func segmentBatchIsATrackCallPerEventWithMessageIdAndIdentity() throws {
        let encoder = SegmentEncoder()
        let items = entries(2).map(encoder.item(for:))
        let body = encoder.body(items: items, sentAt: 1_700_000_200.5)
        let object = try #require(Received.json(body) as? [String: Any])
        #expect(object["sentAt"] as? String == "2023-11-14T22:16:40.500Z")
        let batch = try #require(object["batch"] as? [[String: Any]])
        #expect(batch.count == 2)
        #expect(batch[0]["type"] as? String == "track")
        #expect(batch[0]["event"] as? String == "Store Entered")
        #expect(batch[0]["messageId"] as? String == "e-000000")
        #expect(batch[0]["timestamp"] as? String == "2023-11-14T22:13:20.000Z")
        #expect(batch[0]["userId"] as? String == "customer-0")
        #expect(batch[0]["anonymousId"] == nil)
        #expect(batch[1]["event"] as? String == "Zone Entered")
        #expect(batch[1]["anonymousId"] as? String == "shopper-1")
        let properties = try #require(batch[1]["properties"] as? [String: Any])
        #expect(properties["zone"] as? String == "checkout")
        #expect(properties["id"] as? String == "e-000001")
        #expect(properties["store_id"] as? String == "test-store")
        #expect(encoder.envelopeBytes(itemCount: 2) >= body.count - items.reduce(0) { $0 + $1.count })
    }

    @Test func segmentNamesEventsInTitleCase() {
        #expect(SegmentEncoder.eventName("store.entered") == "Store Entered")
        #expect(SegmentEncoder.eventName("zone.dwell") == "Zone Dwell")
        #expect(SegmentEncoder.eventName("store.traffic") == "Store Traffic")
    }

    @Test func cloudEventsBatchIsAnArrayOfStructuredEventsWithTheEventAsData() throws {
        let encoder = CloudEventsEncoder()
        #expect(encoder.contentType == "application/cloudevents-batch+json")
        let body = encoder.body(items: entries(2).map(encoder.item(for:)), sentAt: 0)
        let array = try #require(Received.json(body) as? [[String: Any]])
        #expect(array.count == 2)
        let first = array[0]
        #expect(first["specversion"] as? String == "1.0")
        #expect(first["id"] as? String == "e-000000")
        #expect(first["source"] as? String == "/footfall/test-store/gw-1")
        #expect(first["type"] as? String == "com.footfall.store.entered")
        #expect(first["time"] as? String == "2023-11-14T22:13:20.000Z")
        #expect(first["datacontenttype"] as? String == "application/json")
        let data = try #require(first["data"] as? [String: Any])
        let decoded = try JSONDecoder().decode(PresenceEvent.self, from: JSONSerialization.data(withJSONObject: data))
        #expect(decoded == TestEvents.make(count: 1)[0])
    }

    @Test func jsonLinesAreTheEventsOwnLines() {
        let encoder = JSONLinesEncoder()
        let body = encoder.body(items: entries(2).map(encoder.item(for:)), sentAt: 0)
        #expect(String(decoding: body, as: UTF8.self) == TestEvents.make(count: 2).map { $0.jsonLine() + "\n" }.joined())
    }

    @Test func retryAfterReadsSecondsAndHTTPDatesToTheMillisecond() {
        #expect(RetryAfter.parse("120", now: 0) == .seconds(120))
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_770) == .seconds(7))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_800) == .zero)
        #expect(RetryAfter.parse("soon", now: 0) == nil)
    }

    @Test func responsesAreClassifiedAsDeliveredRetriedOrRefused() {
        #expect(HTTPTransport.classify(status: 200, retryAfter: nil, body: "", now: 0) == .delivered)
        #expect(HTTPTransport.classify(status: 429, retryAfter: "3", body: "", now: 0) == .retry(reason: "HTTP 429", after: .seconds(3)))
        #expect(HTTPTransport.classify(status: 503, retryAfter: "2", body: "", now: 0) == .retry(reason: "HTTP 503", after: .seconds(2)))
        #expect(HTTPTransport.classify(status: 500, retryAfter: "2", body: "", now: 0) == .retry(reason: "HTTP 500", after: nil))
        #expect(HTTPTransport.classify(status: 408, retryAfter: nil, body: "", now: 0) == .retry(reason: "HTTP 408", after: nil))
        guard case .rejected(let why) = HTTPTransport.classify(status: 400, retryAfter: nil, body: "bad", now: 0) else {
            Issue.record("400 must be refused")
            return
        }
        #expect(why.responseStatus == 400 && why.responseBody == "bad")
        // "Retry-After: 0", or a date past: the back-off's wait, not none.
        #expect(HTTPTransport.classify(status: 503, retryAfter: "0", body: "", now: 0) == .retry(reason: "HTTP 503", after: nil))
        // Wrong for every batch, not this one: the events wait in the outbox for the fix.
        #expect(HTTPTransport.classify(status: 302, retryAfter: nil, body: "", now: 0, location: "https://cdp.example/v1/events")
            == .retry(reason: "HTTP 302: the receiver redirects to https://cdp.example/v1/events; set the url (a sink's, or upstream.url) to where it now is", after: nil))
        #expect(HTTPTransport.classify(status: 401, retryAfter: nil, body: "bad key", now: 0)
            == .retry(reason: "HTTP 401: bad key; check the credentials (a sink's write_key or token, upstream.tokens)", after: nil))
        #expect(HTTPTransport.classify(status: 404, retryAfter: nil, body: "", now: 0) == .retry(reason: "HTTP 404; check the url (a sink's, or upstream.url)", after: nil))
        // A redirect's target is shown without the credentials it may carry.
        #expect(HTTPTransport.classify(status: 307, retryAfter: nil, body: "", now: 0, location: "https://cdp.example/in?sig=SECRET")
            == .retry(reason: "HTTP 307: the receiver redirects to https://cdp.example/in?…; set the url (a sink's, or upstream.url) to where it now is", after: nil))
        // A receiver (or a proxy before it) that echoes the request: no address in the reason,
        // which goes to the log and the status.
        guard case .retry(let echoed, _) = HTTPTransport.classify(status: 401, retryAfter: nil, body: #"{"error":"bad batch: {'device':'ble:de:ad:be:ef:00:60'}"}"#, now: 0) else {
            Issue.record("401 is retried")
            return
        }
        #expect(!echoed.contains("de:ad:be:ef") && echoed.contains("bad batch"), "\(echoed)")
        // An address where the answer is cut is masked whole first, not cut into a part that no
        // longer looks like one.
        let filler = String(repeating: "x", count: 196)
        guard case .retry(let cut, _) = HTTPTransport.classify(status: 401, retryAfter: nil, body: filler + " ble:c0:11:22:33:44:55 more", now: 0) else {
            Issue.record("401 is retried")
            return
        }
        #expect(!cut.contains("c0:11"), "\(cut.suffix(40))")
        for status in [413, 422, 409] {
            guard case .rejected = HTTPTransport.classify(status: status, retryAfter: nil, body: "", now: 0) else {
                Issue.record("\(status) refuses this batch: a dead letter")
                continue
            }
        }
    }

    @Test func signatureVerifiesAndRejectsATamperedBodyOrAnOldTimestamp() {
        let body = Array("{\"a\":1}".utf8)
        let header = RequestSignature.header(body: body, secret: "s3cret", timestamp: 1_700_000_000)
        // HMAC-SHA256 of "1700000000.{"a":1}" under "s3cret", as Python's hmac module writes it.
        #expect(header == "t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940")
        #expect(RequestSignature.verify(header: header, body: body, secret: "s3cret", now: 1_700_000_010))
        #expect(!RequestSignature.verify(header: header, body: Array("{\"a\":2}".utf8), secret: "s3cret", now: 1_700_000_010))
        #expect(!RequestSignature.verify(header: header, body: body, secret: "other", now: 1_700_000_010))
        #expect(!RequestSignature.verify(header: header, body: body, secret: "s3cret", now: 1_700_001_000))
    }

    @Test func aJSONLinesPathIsRelativeToTheStoreFileLikeTheSources() throws {
        func path(_ text: String) throws -> String? {
            try SinkSettings(.init(type: "jsonl", options: ["path": text]), field: "sinks[0]", file: "/etc/footfall/store.yaml").path
        }
        #expect(try path("events.jsonl") == "/etc/footfall/events.jsonl")
        #expect(try path("logs/events.jsonl") == "/etc/footfall/logs/events.jsonl")
        #expect(try path("/var/log/footfall/events.jsonl") == "/var/log/footfall/events.jsonl")
        #expect(try path("-") == "-")
    }

    @Test func unknownSinkTypesAndOptionsNameTheFileLineAndField() throws {
        func settings(_ type: String, _ options: [String: String]) -> StoreConfiguration {
            var configuration = StoreConfiguration(
                file: "store.yaml", layout: StoreLayout(id: "s", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 1, y: 1))))
            configuration.sinks = [.init(type: type, options: options, line: 42)]
            return configuration
        }
        #expect(throws: ConfigurationError(file: "store.yaml", line: 42, field: "sinks[0].type", message: "unknown sink type 'kafka'; use one of segment, cloudevents, jsonl, mqtt")) {
            try SinkSettings.parse(settings("kafka", [:]))
        }
        let unknown = #expect(throws: ConfigurationError.self) { try SinkSettings.parse(settings("cloudevents", ["url": "http://x", "colour": "red"])) }
        #expect(unknown?.field == "sinks[0].colour" && unknown?.line == 42)
        let missing = #expect(throws: ConfigurationError.self) { try SinkSettings.parse(settings("segment", [:])) }
        #expect(missing?.field == "sinks[0].write_key")
        let fsync = #expect(throws: ConfigurationError.self) { try SinkSettings.parse(settings("jsonl", ["path": "-", "fsync": "sometimes"])) }
        #expect(fsync?.field == "sinks[0].fsync")
        let big = #expect(throws: ConfigurationError.self) { try SinkSettings.parse(settings("segment", ["write_key": "k", "max_batch_bytes": "600000"])) }
        #expect(big?.field == "sinks[0].max_batch_bytes")
        let parsed = try SinkSettings.parse(settings("segment", ["write_key": "k", "batch_size": "20", "flush_interval_ms": "5"]))
        #expect(parsed[0].batching.maxEvents == 20 && parsed[0].batching.flushInterval == .milliseconds(5))
        #expect(parsed[0].url == SinkSettings.segmentURL)
    }
}
