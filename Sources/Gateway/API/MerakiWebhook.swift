import FootfallCore
import Foundation
import Hummingbird
import Synchronization
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

    static func accept(_ request: Request, context: some RequestContext, _ d: APIServer.Dependencies) async throws -> Response {
        guard let meraki = d.configuration.api.meraki else { return notConfigured }
        if APIServer.announcesMoreThan(d.configuration.api.maxBodyBytes, request) {
            return APIServer.json(["error": "the body is over \(d.configuration.api.maxBodyBytes) bytes; raise api.max_body_bytes"], status: .contentTooLarge)
        }
        guard d.merakiBodies.enter(most: mostBodiesAtOnce) else {
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            headers[.contentType] = "application/json"
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(mostBodiesAtOnce) reports are being read; send it again"}"#)))
        }
        defer { d.merakiBodies.leave() }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: d.configuration.api.maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return APIServer.json(["error": "the body is over \(d.configuration.api.maxBodyBytes) bytes; raise api.max_body_bytes"], status: .contentTooLarge)
        }
        // A body without the secret's bytes cannot carry it: refused before it is parsed, so a
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
        for var observation in report.observationsWithBeacons {
            let mac = observation.sensor.rawValue
            let sensor = SensorID(meraki.accessPoints[mac] ?? mac)
            guard d.configuration.layout.sensor(sensor) != nil else {
                unknown += 1
                strangers.insert(mac)
                continue
            }
            observation.sensor = sensor
            accepted.append(observation)
        }
        // A report covers a minute; the pipeline wants it in time order.
        accepted.sort { $0.time < $1.time }
        if !accepted.isEmpty { d.bus.send(.observations(accepted)) }
        var answer = ["accepted": "\(accepted.count)"]
        if unknown > 0 {
            answer["ignored"] = "\(unknown)"
            answer["unknown_access_points"] = strangers.sorted().joined(separator: ",")
        }
        return APIServer.json(answer, status: .accepted)
    }

    /// Whether `body` holds `secret` as a JSON string's bytes. Only a secret JSON writes one
    /// way (letters, digits and `-_.~`) is looked for; any other is left to the decoder.
    static func mayCarry(secret: String, _ body: some Collection<UInt8>) -> Bool {
        let bytes = Array(secret.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 && ($0.isLetterOrDigit || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~")].contains($0)) })
        else { return true }
        let needle = [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]
        let haystack = Array(body)
        guard haystack.count >= needle.count else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0], haystack[i + 1 ..< i + needle.count].elementsEqual(needle[1...]) { return true }
            i += 1
        }
        return false
    }

    static var notConfigured: Response {
        APIServer.json(["error": "the Meraki webhook is not configured on this gateway; add api.meraki to the store configuration"], status: .notFound)
    }
}

private extension UInt8 {
    var isLetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}

/// How many requests are in a section at once, for a bound on what they hold.
public final class ConcurrencyLimit: Sendable {
    private let count = Mutex(0)
    public init() {}

    /// Enters when fewer than `most` are in; false (not entered) otherwise.
    func enter(most: Int) -> Bool {
        count.withLock { n in
            guard n < most else { return false }
            n += 1
            return true
        }
    }

    func leave() { count.withLock { $0 -= 1 } }
}
