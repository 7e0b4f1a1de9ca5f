import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/meraki` on a real HTTP server on 127.0.0.1, fed the recorded Meraki v3 bodies.
@Suite struct MerakiWebhookTests {
    static let accessPoint = "a8:46:9d:27:56:63"

    static func bodies() throws -> [String] {
        try String(contentsOf: Fixtures.dataset("meraki-scanning-v3/webhook-bodies.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    static func app(mapped: Bool, secret: String = "fs!24Get") throws -> (some ApplicationProtocol, InputBus) {
        var configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.api.tokens = ["operator-token"]
        var meraki = StoreConfiguration.MerakiSettings(validator: "0f3bd1e2c5a4b6", secret: secret)
        if mapped { meraki.accessPoints = [accessPoint: "s3"] }
        configuration.api.meraki = meraki
        let bus = InputBus(capacity: 1000)
        let router = APIServer.buildRouter(.init(configuration: configuration, live: LiveState(startedAt: 0), metrics: GatewayMetrics(), bus: bus, now: Timing.live.now))
        return (Application(router: router), bus)
    }

    /// Readings in a body, counted from the JSON itself: each client's rssiRecords, or its
    /// nearest access point when it has none.
    static func readings(in body: String) throws -> Int {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let observations = try #require((document["data"] as? [String: Any])?["observations"] as? [[String: Any]])
        return observations.reduce(0) { total, client in
            let records = (client["locations"] as? [[String: Any]] ?? []).flatMap { $0["rssiRecords"] as? [Any] ?? [] }
            return total + (records.isEmpty ? (client["latestRecord"] is [String: Any] ? 1 : 0) : records.count)
        }
    }

    /// What the webhook put on the bus, up to `count` observations. Called once every request
    /// has been answered, so the bus is finished first: a webhook that sent fewer fails the
    /// test's expectations instead of leaving this loop waiting for more.
    static func drain(_ bus: InputBus, count: Int) async -> [Observation] {
        bus.finish()
        var seen: [Observation] = []
        for await input in bus.stream {
            switch input {
            case .observation(let o): seen.append(o)
            case .observations(let list): seen += list
            case .tick, .endOfRecording: break
            }
            if seen.count >= count { break }
        }
        return seen
    }

    @Test func merakisValidatorIsAnsweredWithoutAToken() async throws {
        let (app, _) = try Self.app(mapped: true)
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/meraki", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "0f3bd1e2c5a4b6")
            }
        }
    }

    @Test func recordedBodiesBecomeObservationsOfTheSensorTheAccessPointIs() async throws {
        let (app, bus) = try Self.app(mapped: true)
        let bodies = try Self.bodies()
        let counts = try bodies.map(Self.readings(in:))
        let expected = counts.reduce(0, +)
        try await app.test(.live) { client in
            for (body, readings) in zip(bodies, counts) {
                try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .accepted)
                    let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                    #expect(answer == ["accepted": "\(readings)"])
                }
            }
        }
        #expect(expected == 9, "the two recorded bodies carry 8 Wi-Fi and 1 Bluetooth reading")
        let observations = await Self.drain(bus, count: expected)
        #expect(observations.count == expected)
        #expect(observations.allSatisfy { $0.sensor == SensorID("s3") })
        #expect(observations.contains { $0.device == DeviceID("wifi:34:7e:5c:3f:b9:db") && $0.rssi == -60 && $0.radio == .wifi })
        #expect(observations.filter { $0.radio == .ble }.count == 1)
    }

    @Test func anAccessPointThatIsNotASensorIsCountedAndLeftOut() async throws {
        let (app, _) = try Self.app(mapped: false)
        let body = try Self.bodies()[0]
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .accepted)
                let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                #expect(answer?["accepted"] == "0")
                #expect(answer?["ignored"] == "8")
                // Named by its last three pairs, not its whole address.
                #expect(answer?["unknown_access_points"] == "…:27:56:63")
            }
        }
    }

    /// One client Meraki reported badly leaves the rest of the report taken (audit: the whole
    /// minute was refused, and refused again when Meraki sent it again).
    @Test func aBrokenClientIsSkippedAndSaidAndTheRestTaken() async throws {
        let (app, bus) = try Self.app(mapped: true)
        let body = try Self.bodies()[0]
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        var data = try #require(document["data"] as? [String: Any])
        var clients = try #require(data["observations"] as? [[String: Any]])
        var broken = clients[0]
        broken["clientMac"] = "not-an-address"
        clients.append(broken)
        data["observations"] = clients
        var edited = document
        edited["data"] = data
        let changed = String(decoding: try JSONSerialization.data(withJSONObject: edited), as: UTF8.self)
        let brokenIndex = clients.count - 1
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: changed)) { response in
                #expect(response.status == .accepted)
                let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                #expect(answer?["accepted"] == "\(try Self.readings(in: body))")
                #expect(answer?["skipped_clients"] == "1")
                #expect(answer?["first_problem"]?.contains("data.observations[\(brokenIndex)].clientMac") == true, "\(String(describing: answer))")
            }
        }
        #expect(await Self.drain(bus, count: try Self.readings(in: body)).count == (try Self.readings(in: body)))
    }

    @Test func aWrongSecretOrABrokenBodyIsRefusedAndNothingReachesThePipeline() async throws {
        let (app, bus) = try Self.app(mapped: true)
        let body = try Self.bodies()[0]
        try await app.test(.live) { client in
            let forged = body.replacingOccurrences(of: "fs!24Get", with: "guess")
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: forged)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("secret does not match"))
                #expect(!String(buffer: response.body).contains("fs!24Get"), "the secret is never repeated")
            }
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: String(body.prefix(120)))) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("byte"), "names where the body broke")
            }
            // From the future: it would move the pipeline's clock on by decades.
            let ahead = body.replacingOccurrences(of: "2021-11-23T", with: "2099-11-23T")
            #expect(ahead != body)
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: ahead)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("ahead of the gateway's clock"), "\(String(buffer: response.body))")
            }
        }
        bus.send(.tick(1))
        for await input in bus.stream {
            #expect(input == .tick(1), "no observation came before the marker")
            break
        }
    }

    /// Meraki's secret is in the body, so posts are read before anyone is known: at most four
    /// at once (a fifth is asked to come again), and one without the secret's bytes is refused
    /// before its JSON is parsed, as the recorded body with the secret is still taken.
    @Test func strangersBodiesAreBoundedAndRefusedUnparsed() async throws {
        let (app, bus) = try Self.app(mapped: true, secret: "S3cret-Key_9")
        let recorded = try Self.bodies()[0].replacingOccurrences(of: "fs!24Get", with: "S3cret-Key_9")
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // A megabyte of JSON with no secret in it: 403, as the decoder would say.
            let flood = "[" + Array(repeating: "{}", count: 300_000).joined(separator: ",") + "]"
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: flood)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("secret does not match"))
            }
            try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: recorded)) { response in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
            }
            // Four posts that announce a megabyte and send a byte of it hold the four places.
            let stalled = try await onAThreadOfItsOwn {
                try (0..<4).map { _ in
                    let connection = try RawConnection(port: port)
                    try connection.send("POST /api/meraki HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 1048000\r\n\r\n[")
                    return connection
                }
            }
            var answer = ""
            let refused = try await waitUntil(timeout: .seconds(120), every: .milliseconds(20)) {
                try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: recorded)) { response in
                    answer = "\(response.status.code) \(response.headers[.retryAfter] ?? "-") \(String(buffer: response.body))"
                    return response.status == .serviceUnavailable
                }
            }
            #expect(refused, "\(answer)")
            #expect(answer.hasPrefix("503 1 "), "\(answer)")
            #expect(answer.contains("send it again"), "\(answer)")
            // Their places free again once they go.
            stalled.forEach { $0.hangUp() }
            let taken = try await waitUntil(timeout: .seconds(120), every: .milliseconds(20)) {
                try await client.execute(uri: "/api/meraki", method: .post, body: ByteBuffer(string: recorded)) { $0.status == .accepted }
            }
            #expect(taken)
        }
        bus.finish()
    }

    @Test func withoutConfigurationTheWebhookIsNotFound() async throws {
        let configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        let router = APIServer.buildRouter(.init(configuration: configuration, live: LiveState(startedAt: 0), metrics: GatewayMetrics(), bus: InputBus(capacity: 10), now: Timing.live.now))
        try await Application(router: router).test(.live) { client in
            try await client.execute(uri: "/api/meraki", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("api.meraki"))
            }
        }
    }
}
