import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

@Suite struct APITests {
    static func configuration() throws -> StoreConfiguration {
        var configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.api.tokens = ["operator-token"]
        configuration.api.sensorTokens = ["s8": "sensor-8-token"]
        return configuration
    }

    static let now = 1_767_603_600.0

    static func app() throws -> (Application<RouterResponder<BasicRequestContext>>, LiveState, InputBus) {
        let live = LiveState(startedAt: now), bus = InputBus(capacity: 1000)
        let router = APIServer.buildRouter(.init(configuration: try configuration(), live: live, metrics: GatewayMetrics(), bus: bus, now: { now }))
        return (Application(router: router), live, bus)
    }

    @Test func healthAndMetricsAreOpenButEverythingElseNeedsTheToken() async throws {
        let (app, _, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("footfall_devices_tracked"))
            }
            for path in ["/", "/api/layout", "/api/occupancy", "/api/devices", "/api/visits", "/api/status", "/api/stream"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(!String(buffer: response.body).contains("demo-store"), "never data")
                }
                try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer wrong"]) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/api/layout", method: .get, headers: [.authorization: "Bearer operator-token"]) { response in
                #expect(response.status == .ok)
                let layout = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(layout?["id"] as? String == "demo-store")
                #expect((layout?["zones"] as? [Any])?.count == 7)
                #expect((layout?["sensors"] as? [Any])?.count == 8)
            }
            try await client.execute(uri: "/?token=operator-token", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<svg id=\"map\""))
            }
        }
    }

    /// Every answer says not to sniff, frame, cache or refer it; an API without tokens answers
    /// only requests that name a loopback host, so a web page that reaches it through a name
    /// resolving to 127.0.0.1 (DNS rebinding) is refused.
    @Test func answersAreHardenedAndATokenlessAPIAnswersLoopbackNamesOnly() async throws {
        var configuration = try Self.configuration()
        configuration.api.tokens = []
        let router = APIServer.buildRouter(.init(configuration: configuration, live: LiveState(startedAt: Self.now), metrics: GatewayMetrics(), bus: InputBus(capacity: 10), now: { Self.now }))
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let answers = try await onAThreadOfItsOwn {
                try ["127.0.0.1:\(port)", "localhost", "[::1]:\(port)", "LOCALHOST.:\(port)", "evil.example", "evil.example:\(port)", "127.0.0.1.evil.example"].map { host in
                    let connection = try RawConnection(port: port)
                    try connection.send("GET /api/layout HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
                    return connection.readUntilClosed(timeout: .seconds(60)).text
                }
            }
            for answer in answers.prefix(4) {
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
                let head = answer.lowercased()
                for header in ["x-content-type-options: nosniff", "x-frame-options: deny", "content-security-policy: frame-ancestors 'none'", "referrer-policy: no-referrer", "cache-control: no-store"] {
                    #expect(head.contains(header), "\(header) in \(answer.prefix(400))")
                }
            }
            for answer in answers.suffix(3) {
                #expect(answer.hasPrefix("HTTP/1.1 421"), "\(answer.prefix(200))")
                #expect(!answer.contains("demo-store"), "no data for another name")
            }
            // The paths with credentials of their own answer whatever name a proxy passes on;
            // a route that does not exist is answered hardened too.
            let others = try await onAThreadOfItsOwn {
                try [("POST /api/observations", "evil.example"), ("GET /no/such/route", "127.0.0.1")].map { request, host in
                    let connection = try RawConnection(port: port)
                    try connection.send("\(request) HTTP/1.1\r\nHost: \(host)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    return connection.readUntilClosed(timeout: .seconds(60)).text
                }
            }
            #expect(others[0].hasPrefix("HTTP/1.1 401"), "\(others[0].prefix(200))")
            #expect(others[1].hasPrefix("HTTP/1.1 404"), "\(others[1].prefix(200))")
            #expect(others[1].lowercased().contains("x-content-type-options: nosniff"), "\(others[1].prefix(400))")
        }
    }

    /// A batch that comes while the gateway stops (its pipeline takes nothing more) is answered
    /// 503, not 202, and its numbers are not marked taken: the sensor gateway sends it again,
    /// and the gateway after its restart takes it (audit: answered 202, and lost).
    @Test func aBatchThatComesWhileTheGatewayStopsIsRefusedForNowNotLost() async throws {
        let bus = InputBus(capacity: 1000)
        var dependencies = APIServer.Dependencies(
            configuration: try Self.configuration(), live: LiveState(startedAt: Self.now), metrics: GatewayMetrics(), bus: bus, now: { Self.now })
        let body = #"{"sensor":"s8","stream":"a1","seq":0,"sent_at":\#(Self.now),"observations":[{"time":\#(Self.now),"device":"ble-rpa:40:00:00:00:00:01","rssi":-70}]}"#
        bus.finish()
        try await Application(router: APIServer.buildRouter(dependencies)).test(.router) { client in
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: ByteBuffer(string: body)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("send it again"))
            }
        }
        #expect(!bus.send(.tick(Self.now)), "a finished bus takes nothing")
        // The same batch sent again to a pipeline taking inputs (the same marks of what was
        // taken): taken whole, nothing of it left out as a repeat.
        dependencies.bus = InputBus(capacity: 1000)
        try await Application(router: APIServer.buildRouter(dependencies)).test(.router) { client in
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: ByteBuffer(string: body)) { response in
                #expect(response.status == .accepted)
                let answer = String(buffer: response.body)
                #expect(answer.contains(#""accepted":"1""#) && !answer.contains("repeated"), "\(answer)")
            }
        }
    }

    @Test func aRemoteSensorsBatchIsAcceptedOnlyWithItsTokenAndAGoodClock() async throws {
        let (app, _, bus) = try Self.app()
        let now = Self.now
        @Sendable func batch(sensor: String = "s8", sentAt: Double = Self.now, body: String? = nil) -> ByteBuffer {
            ByteBuffer(string: body ?? #"{"sensor":"\#(sensor)","sent_at":\#(sentAt),"observations":[{"time":\#(now - 1),"device":"ble-rpa:40:00:00:00:00:01","rssi":-70},{"time":\#(now),"device":"ble-rpa:40:00:00:00:00:01","rssi":-71,"radio":"ble"}]}"#)
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch()) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer operator-token"], body: batch()) {
                #expect($0.status == .unauthorized, "the operator's token is not a sensor's")
            }
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch(sentAt: now - 120)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("clock"))
            }
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch(body: #"{"sensor":"s8","observations":[]}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("sent_at"))
            }
            // Each mistake named by its field, in the batch's own terms.
            let mistakes: [(String, String)] = [
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"device":"d","rssi":-70,"tx_power":1.5}]}"#, "observations[0].tx_power: 1.5 is not a whole number"),
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"device":"d","rssi":"-70"}]}"#, "field 'observations[0].rssi' has the wrong type"),
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"device":"d","rssi":500}]}"#, "observations[0].rssi: 500 is not an RSSI a radio reports"),
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"device":"d","rssi":-60,"tx_power":-99999}]}"#, "observations[0].tx_power: -99999 is not a transmit power a radio advertises"),
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"device":"","rssi":-70}]}"#, "observations[0].device: empty"),
                // Three days ahead of its batch: it would move the pipeline's clock on three days.
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now + 259_200),"device":"d","rssi":-70}]}"#, "observations[0].time: 259200.0 s after the batch's sent_at"),
                (#"{"sensor":"s8","sent_at":"#, "the body is not JSON"),
                // A value quoted back never carries an address: a long one is not quoted, a
                // whole address is masked.
                (#"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"device":"d","rssi":-70,"radio":"wifi:c0:11:22:33:44:73"}]}"#, "observations[0].radio: a value of 22 characters; it must be ble or wifi"),
            ]
            for (body, message) in mistakes {
                try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch(body: body)) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch(sensor: "wifi:c0:11:22:33:44:73")) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("a valid token for sensor 'wifi:<address>' is required"), "\(String(buffer: response.body))")
            }
            // No credentials: refused before the body is read.
            try await client.execute(uri: "/api/observations", method: .post, body: batch(body: "not json")) {
                #expect($0.status == .unauthorized)
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 2 << 20)
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: huge) {
                #expect($0.status == .contentTooLarge)
            }
        }
        bus.finish()
        var received: [PipelineInput] = []
        for await input in bus.stream { received.append(input) }
        // The accepted batch reaches the pipeline as one input, in its order; nothing else does.
        #expect(received.count == 1, "only the accepted batch reached the pipeline")
        if case .observations(let list) = received.first {
            #expect(list.count == 2 && list[0].sensor == "s8" && list[0].rssi == -70 && list[1].rssi == -71)
        } else {
            Issue.record("expected the batch's observations")
        }
    }

    /// HEAD is answered as GET without its body (an uptime check's `curl -I /healthz`); a path
    /// asked with a method it does not take is `405` naming those it does (OPTIONS: `204` with
    /// them), not "not found"; a path the API does not have stays `404`.
    @Test func everyPathAnswersItsMethodsAndHEADAndRefusesOthersWith405() async throws {
        let (app, _, _) = try Self.app()
        try await app.test(.router) { client in
            for (path, methods) in APIServer.methods.sorted(by: { $0.key < $1.key }) {
                let authorized: HTTPFields = [.authorization: path == "/api/observations" ? "Bearer sensor-8-token" : "Bearer operator-token"]
                if methods.contains(.get), path != "/api/stream" {
                    let get = try await client.execute(uri: path, method: .get, headers: authorized) { $0 }
                    let head = try await client.execute(uri: path, method: .head, headers: authorized) { $0 }
                    // (`/api/analytics` and `/api/meraki` are 404 by design here: no database, no Meraki.)
                    #expect(head.status == get.status, "HEAD \(path): \(head.status) against \(get.status)")
                    #expect(head.body.readableBytes == 0 && head.headers[.contentType] == get.headers[.contentType], "HEAD \(path)")
                }
                for method in [HTTPRequest.Method.put, .delete, .patch] + (methods.contains(.post) ? [] : [.post]) {
                    try await client.execute(uri: path, method: method, headers: authorized) { response in
                        #expect(response.status == .methodNotAllowed, "\(method) \(path): \(response.status)")
                        #expect(response.headers[.allow] == methods.map(\.rawValue).joined(separator: ", "), "\(path)")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    }
                }
                try await client.execute(uri: path, method: .options) { response in
                    #expect(response.status == .noContent && response.headers[.allow] != nil, "OPTIONS \(path): \(response.status)")
                }
            }
            // The stream's head is its head alone: no subscription left behind unread.
            try await client.execute(uri: "/api/stream", method: .head, headers: [.authorization: "Bearer operator-token"]) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/event-stream" && response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/no-such-thing", method: .put) { #expect($0.status == .notFound) }
            // As the router matches paths: a trailing slash or a doubled one is the same path.
            for path in ["/api/layout/", "//api/layout"] {
                try await client.execute(uri: path, method: .post) { #expect($0.status == .methodNotAllowed, "\(path): \($0.status)") }
            }
        }
    }

    /// The Bearer scheme's name is case-insensitive and may be followed by more than one space
    /// (RFC 9110, 11.1), for the operator's tokens and a sensor's alike.
    @Test func theBearerSchemeIsReadInAnyCase() async throws {
        let (app, _, _) = try Self.app()
        let now = Self.now
        try await app.test(.router) { client in
            for header in ["bearer operator-token", "BEARER operator-token", "Bearer  operator-token"] {
                try await client.execute(uri: "/api/layout", method: .get, headers: [.authorization: header]) { #expect($0.status == .ok, "\(header)") }
            }
            for header in ["Bearer", "Bearer ", "Bearer operator-token-and-more", "Basic operator-token", "Beareroperator-token"] {
                try await client.execute(uri: "/api/layout", method: .get, headers: [.authorization: header]) { #expect($0.status == .unauthorized, "\(header)") }
            }
            let batch = ByteBuffer(string: #"{"sensor":"s8","sent_at":\#(now),"observations":[]}"#)
            try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "bearer sensor-8-token"], body: batch) {
                #expect($0.status == .accepted)
            }
        }
    }

    /// A batch sent again by a sensor gateway (taken, but its answer lost) is taken once: the
    /// part of it numbered below what the sensor's stream has had taken is left out and counted;
    /// a new stream (the sensor gateway restarted) and a batch without numbers are taken whole.
    @Test func aBatchSentAgainIsTakenOnce() async throws {
        let (app, _, bus) = try Self.app()
        let now = Self.now
        @Sendable func batch(_ numbers: String, _ rssis: [Int]) -> ByteBuffer {
            let items = rssis.map { #"{"time":\#(now),"device":"ble-rpa:40:00:00:00:00:01","rssi":\#($0)}"# }.joined(separator: ",")
            return ByteBuffer(string: #"{"sensor":"s8",\#(numbers)"sent_at":\#(now),"observations":[\#(items)]}"#)
        }
        let posts: [(String, [Int], accepted: Int, repeated: Int)] = [
            (#""stream":"a1","seq":0,"#, [-60, -61], 2, 0),
            (#""stream":"a1","seq":0,"#, [-60, -61], 0, 2),  // the same batch again
            (#""stream":"a1","seq":1,"#, [-61, -62, -63], 2, 1),  // more had come meanwhile
            (#""stream":"a1","seq":10,"#, [-70], 1, 0),  // a gap: the sender dropped its oldest
            (#""stream":"b2","seq":0,"#, [-80], 1, 0),  // restarted: numbered from 0 again
            ("", [-90], 1, 0),  // an older sensor gateway's batch, without numbers
        ]
        try await app.test(.router) { client in
            for (numbers, rssis, accepted, repeated) in posts {
                try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch(numbers, rssis)) { response in
                    #expect(response.status == .accepted)
                    let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                    #expect(answer?["accepted"] == "\(accepted)" && answer?["repeated"] == (repeated > 0 ? "\(repeated)" : nil), "\(numbers): \(answer ?? [:])")
                }
            }
            for (numbers, message) in [
                (#""stream":"a1","#, "seq: missing beside stream"), (#""seq":3,"#, "stream: missing beside seq"),
                (#""stream":"a1","seq":1.5,"#, "seq: 1.5 is not a whole number"), (#""stream":"","seq":1,"#, "stream: 0 characters"),
            ] {
                try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: batch(numbers, [-50])) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"footfall_observations_repeated_total{sensor="s8"} 3"#), "\(String(buffer: response.body))")
            }
        }
        bus.finish()
        var received: [Double] = []
        for await input in bus.stream {
            if case .observations(let list) = input { received += list.map(\.rssi) }
        }
        #expect(received == [-60, -61, -62, -63, -70, -80, -90], "each observation once, in order")
    }

    /// A batch taken just before the gateway stopped, whose answer was lost, is sent again to
    /// the gateway started again: the marks kept at the stop leave it out (audit: kept in memory
    /// only, it was taken twice). Two API servers on one real database, the first stopped.
    @Test func aBatchSentAgainAcrossARestartIsTakenOnce() async throws {
        let directory = Fixtures.temporaryDirectory("batch-marks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try GatewayDatabase(path: directory.appendingPathComponent("gateway.sqlite").path)
        let now = Self.now
        func server() throws -> (APIServer.Dependencies, Application<RouterResponder<BasicRequestContext>>) {
            let d = APIServer.Dependencies(
                configuration: try Self.configuration(), live: LiveState(startedAt: now), metrics: GatewayMetrics(),
                bus: InputBus(capacity: 1000), now: { now }, database: database)
            return (d, Application(router: APIServer.buildRouter(d)))
        }
        @Sendable func post(_ app: Application<RouterResponder<BasicRequestContext>>, seq: Int, count: Int) async throws -> [String: String]? {
            let items = (0..<count).map { #"{"time":\#(now),"device":"ble-rpa:40:00:00:00:00:01","rssi":\#(-60 - $0)}"# }.joined(separator: ",")
            let body = ByteBuffer(string: #"{"sensor":"s8","stream":"a1","seq":\#(seq),"sent_at":\#(now),"observations":[\#(items)]}"#)
            return try await app.test(.router) { client in
                try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: body) { response in
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                }
            }
        }
        let (before, first) = try server()
        #expect(try before.takeBackBatchMarks() == false, "nothing kept yet")
        #expect(try await post(first, seq: 0, count: 3) == ["accepted": "3"])
        try before.keepBatchMarks(at: now)

        let (after, second) = try server()
        #expect(try after.takeBackBatchMarks())
        #expect(try await post(second, seq: 0, count: 3) == ["accepted": "0", "repeated": "3"], "the batch sent again")
        #expect(try await post(second, seq: 2, count: 2) == ["accepted": "1", "repeated": "1"], "the next batch, with one more")
        // A start that failed after taking them back (its address in use) kept nothing at its
        // stop: the marks are still there for the next.
        let (third, again) = try server()
        #expect(try third.takeBackBatchMarks())
        #expect(try await post(again, seq: 0, count: 3) == ["accepted": "0", "repeated": "3"])
        // What a gateway of an older version kept, or a damaged value, is refused, not taken for marks.
        try database.keepState(APIServer.Dependencies.batchMarksName, value: Array("not json".utf8), at: now)
        #expect(throws: (any Error).self) { try third.takeBackBatchMarks() }
    }

    /// A batch read straight from its bytes (the plain form the uplink sends) is answered, and
    /// reaches the pipeline, exactly as the same batch with a nested member added, which only the
    /// whole decoder reads: accepted or refused with the same message.
    @Test func aPlainBatchIsReadAsTheWholeDecoderReadsIt() async throws {
        let now = Self.now
        let item = #""time":\#(now),"device":"ble-rpa:40:00:00:00:00:01""#
        let bodies = [
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70,"tx_power":-59,"radio":"ble","channel":37}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70.5,"tx_power":null,"radio":null,"channel":null},{"time":\#(now - 0.25),"device":"wifi:02:00:00:00:00:07","rssi":-81,"radio":"wifi","channel":6}]}"#,
            #"{ "observations" : [ ] , "sensor" : "s8" , "sent_at" : \#(now) }"#,
            #"{"sensor":"s8","stream":"9f2c","seq":41,"sent_at":\#(now),"observations":[{\#(item),"rssi":-70}]}"#,
            #"{"sensor":"s8","stream":"9f2c","seq":-1,"sent_at":\#(now),"observations":[{\#(item),"rssi":-70}]}"#,
            #"{"sensor":"s8","seq":4,"sent_at":\#(now),"observations":[{\#(item),"rssi":-70}]}"#,
            #"{"sensor":"s8","stream":7,"seq":4,"sent_at":\#(now),"observations":[{\#(item),"rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70,"tx_power":1.5}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":"-70"}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":500}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70,"radio":"zigbee"}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70,"channel":"6"}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":null,"device":"d","rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{"time":\#(now),"rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":"\#(now)","observations":[]}"#,
            #"{"sensor":8,"sent_at":\#(now),"observations":[]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":5}"#,
            #"{"sensor":"s8","sent_at":\#(now)}"#,
            #"{"sensor":"s9","sent_at":\#(now),"observations":[]}"#,
            // Where decoders differ (a name twice, a number JSON does not write), the plain
            // reader leaves the body to the whole decoder.
            #"{"sensor":"s9","sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-70,"rssi":500}]}"#,
            #"{"sensor":"s8","sent_at":\#(now),"observations":[{\#(item),"rssi":-070}]}"#,
        ]
        @Sendable func post(_ body: String) async throws -> (status: HTTPResponse.Status, answer: String, received: [[Observation]]) {
            let (app, _, bus) = try Self.app()
            let answer = try await app.test(.router) { client in
                try await client.execute(uri: "/api/observations", method: .post, headers: [.authorization: "Bearer sensor-8-token"], body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            bus.finish()
            var received: [[Observation]] = []
            for await input in bus.stream {
                if case .observations(let list) = input { received.append(list) }
            }
            return (answer.0, answer.1, received)
        }
        for (index, body) in bodies.enumerated() {
            let nested = #"{"extra":{"a":[1]},"# + body.dropFirst()
            let plain = try await post(body), whole = try await post(nested)
            #expect(plain.status == whole.status && plain.answer == whole.answer, "\(body): \(plain.answer) against \(whole.answer)")
            #expect(plain.received == whole.received, "\(body)")
            if index < 4 { #expect(plain.status == .accepted, "the first four bodies are good batches: \(plain.answer)") }
        }
    }

    @Test func theStatusCountsTheVisitsEndedAndThoseUnderAMinute() async throws {
        let (app, live, _) = try Self.app()
        for (index, duration) in [30.0, 59.9, 60, 400].enumerated() {
            var exit = PresenceEvent(id: "x\(index)", type: .storeExited, occurredAt: Self.now, storeID: "demo-store", gatewayID: "g")
            exit.visitDurationSeconds = duration
            await live.record(event: exit)
        }
        // Not a visit's end: not counted.
        await live.record(event: PresenceEvent(id: "e", type: .storeEntered, occurredAt: Self.now, storeID: "demo-store", gatewayID: "g"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "Bearer operator-token"]) { response in
                #expect(response.status == .ok)
                let status = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(status?["visits_ended"] as? Int == 4)
                #expect(status?["visits_under_a_minute"] as? Int == 2)
            }
        }
    }

    /// Readings the pipeline left as too late to place are counted in the sensor's
    /// observations (they were received) and, apart, by sensor: the one whose clock is behind
    /// stands out in `footfall status` without reading the log.
    @Test func theStatusNamesTheSensorsWhoseReadingsCameTooLate() async throws {
        let (app, live, _) = try Self.app()
        try await app.test(.router) { client in
            @Sendable func late() async throws -> [String: Int]? {
                try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "Bearer operator-token"]) { response in
                    let status = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return status?["observations_late_by_sensor"] as? [String: Int]
                }
            }
            let none = try await late()
            #expect(none == [:])
            await live.record(late: ["s3": 12, "s1": 1])
            let first = try await late()
            #expect(first == ["s3": 12, "s1": 1])
            await live.record(late: ["s3": 40, "s1": 1])
            let later = try await late()
            #expect(later == ["s3": 40, "s1": 1], "the pipeline's counts since the start, not added up again")
        }
    }

    @Test func theStreamCarriesEventsAsTheyAreDecided() async throws {
        // The stream's wire format, as a browser's EventSource reads it (the whole page over
        // real HTTP is tested in the map test with Chromium).
        let (_, live, _) = try Self.app()
        let stream = await live.subscribe()
        var event = PresenceEvent(id: "e1", type: .zoneDwell, occurredAt: Self.now, storeID: "demo-store", gatewayID: "g")
        event.zone = "electronics"
        await live.record(event: event)
        var iterator = stream.makeAsyncIterator()
        let message = try #require(await iterator.next())
        #expect(message.hasPrefix("event: event\ndata: {"))
        #expect(message.hasSuffix("\n\n"))
        #expect(message.contains("\"zone\":\"electronics\""))
    }
}
