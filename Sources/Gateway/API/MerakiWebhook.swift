import FootfallCore
import Foundation
import Hummingbird
import WiFi

/// The Cisco Meraki Scanning API webhook (`/api/meraki`): Meraki first `GET`s the URL and
/// expects the network's validator string as the body; then it `POST`s v3 (or v2) reports
/// carrying the shared secret. Each reading becomes an observation by the store sensor the
/// access point is configured as; readings from access points that are not sensors of the
/// store are counted and left out.
enum MerakiWebhook {
    static func validate(_ d: APIServer.Dependencies) -> Response {
        guard let meraki = d.configuration.api.meraki else { return notConfigured }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: meraki.validator)))
    }

    /// Bodies read at once. Meraki's secret is inside the body, so a post is read before anyone
    /// is known: without a bound, clients holding a body each near `api.max_body_bytes` open
    /// would take that much memory apiece. Meraki posts a network's reports one at a time and
    /// sends a refused one again.
    static let mostBodiesAtOnce = 4
    /// How long a body may take to come while it holds one of those places.
    static let bodyWithin = Duration.seconds(10)

    static func accept(_ request: Request, context: some RequestContext, _ d: APIServer.Dependencies) async throws -> Response {
        guard let meraki = d.configuration.api.meraki else { return notConfigured }
        if APIServer.announcesMoreThan(d.configuration.api.maxBodyBytes, request) {
            return APIServer.json(["error": "the body is over \(d.configuration.api.maxBodyBytes) bytes; raise api.max_body_bytes"], status: .contentTooLarge)
        }
        guard d.merakiBodies.enter() else {
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            headers[.contentType] = "application/json"
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(mostBodiesAtOnce) reports are being read; send it again"}"#)))
        }
        defer { d.merakiBodies.leave() }
        let body: ByteBuffer
        let (requestBody, most) = (request.body, d.configuration.api.maxBodyBytes)
        do {
            // A place is held for a body in time, not for as long as its sender likes.
            body = try await TimeLimit.run(within: Self.bodyWithin) { try await requestBody.collect(upTo: most) }
        } catch is TimeLimit.Exceeded {
            return APIServer.json(["error": "the report's body took longer than \(Self.bodyWithin) to come"], status: .requestTimeout)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // A body sent in chunks grows past the bound while it is read: NIOTooManyBytesError.
            return APIServer.json(["error": "the body is over \(d.configuration.api.maxBodyBytes) bytes; raise api.max_body_bytes"], status: .contentTooLarge)
        }
        // A body whose `secret` member is not the secret is refused before it is parsed, so a
        // stranger's megabyte of JSON builds no tree.
        guard Self.mayCarry(secret: meraki.secret, body.readableBytesView) else {
            return APIServer.json(["error": MerakiError.secretMismatch.description], status: .forbidden)
        }
        let report: MerakiScanningReport
        do {
            report = try MerakiScanningReport(decoding: body.readableBytesView, sharedSecret: meraki.secret)
        } catch .secretMismatch {
            return APIServer.json(["error": MerakiError.secretMismatch.description], status: .forbidden)
        } catch {
            // A client's MAC that did not parse is quoted in the error; never sent back whole.
            return APIServer.json(["error": AddressRedaction.redacted(error.description)], status: .badRequest)
        }
        var accepted: [Observation] = [], unknown = 0
        var strangers: Set<String> = []
        if report.skippedClients > 0 { d.metrics.merakiReadingsLeftOut(.brokenClient, count: report.skippedClients) }
        for var observation in report.observationsWithBeacons {
            let mac = observation.sensor.rawValue
            let sensor = SensorID(meraki.accessPoints[mac] ?? mac)
            guard d.configuration.layout.sensor(sensor) != nil else {
                unknown += 1
                strangers.insert(Self.shown(accessPoint: mac))
                continue
            }
            observation.sensor = sensor
            accepted.append(observation)
        }
        // A report covers a minute; the pipeline wants it in time order.
        accepted.sort { $0.time < $1.time }
        // A reading from the future (a forged or broken report) would move the pipeline's clock
        // on by as much, ending every visit and counting empty intervals ahead of time.
        if let latest = accepted.last?.time, latest - d.now() > d.configuration.api.maxClockSkew {
            let ahead = String(format: "%.0f", min(latest - d.now(), 1e12))
            return APIServer.json(
                ["error": "a reading is stamped \(ahead) s ahead of the gateway's clock (at most api.max_clock_skew, \(DelimitedField.number(d.configuration.api.maxClockSkew)) s, is accepted); nothing of the report was taken"],
                status: .badRequest)
        }
        // Stopping: 503, and Meraki sends the report again (nothing of it was taken).
        if !accepted.isEmpty, !d.bus.send(.observations(accepted)) { return RemoteObservations.stopping() }
        if unknown > 0 { d.metrics.merakiReadingsLeftOut(.unknownAccessPoint, count: unknown) }
        var answer = ["accepted": "\(accepted.count)"]
        if unknown > 0 {
            answer["ignored"] = "\(unknown)"
            answer["unknown_access_points"] = strangers.sorted().joined(separator: ",")
        }
        if report.skippedClients > 0, let first = report.firstSkipped {
            answer["skipped_clients"] = "\(report.skippedClients)"
            // A client's MAC that did not parse is quoted in the error; never sent back whole.
            answer["first_problem"] = AddressRedaction.redacted(first.description)
        }
        return APIServer.json(answer, status: .accepted)
    }

    /// An access point's address as the answer names it: its last three pairs, enough to find
    /// it in the Meraki dashboard's list and to map it under `api.meraki.access_points`, not the
    /// whole address (no address leaves the gateway whole, an access point's included).
    static func shown(accessPoint mac: String) -> String {
        let pairs = mac.split(separator: ":")
        guard pairs.count == 6 else { return AddressRedaction.mask }
        return "…:" + pairs.suffix(3).joined(separator: ":")
    }

    /// Whether `body` may carry `secret`: some `"secret"` member's string value, read without
    /// parsing the rest, equals it. Each value is compared in constant time, and where to look
    /// is found by the member's name alone, so how long this takes says nothing of the secret.
    /// A value with an escape in it is left to the decoder (true).
    static func mayCarry(secret: String, _ body: some Collection<UInt8>) -> Bool {
        let bytes = Array(body)
        let name = Array(#""secret""#.utf8)
        var found = false, i = 0
        while i + name.count <= bytes.count {
            guard bytes[i] == UInt8(ascii: "\""), bytes[i ..< i + name.count].elementsEqual(name) else {
                i += 1
                continue
            }
            var j = i + name.count
            while j < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[j]) { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else {
                i += 1
                continue
            }
            j += 1
            while j < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[j]) { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else {
                i = j
                continue
            }
            let start = j + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: "\\") { return true }
            if SecretComparison.equal(String(decoding: bytes[start ..< min(end, bytes.count)], as: UTF8.self), secret) { found = true }
            i = end + 1
        }
        return found
    }

    static var notConfigured: Response {
        APIServer.json(["error": "the Meraki webhook is not configured on this gateway; add api.meraki to the store configuration"], status: .notFound)
    }
}
