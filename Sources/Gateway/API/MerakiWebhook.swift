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

    static func accept(_ request: Request, context: some RequestContext, _ d: APIServer.Dependencies) async throws -> Response {
        guard let meraki = d.configuration.api.meraki else { return notConfigured }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: d.configuration.api.maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return APIServer.json(["error": "the body is over \(d.configuration.api.maxBodyBytes) bytes; raise api.max_body_bytes"], status: .contentTooLarge)
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

    static var notConfigured: Response {
        APIServer.json(["error": "the Meraki webhook is not configured on this gateway; add api.meraki to the store configuration"], status: .notFound)
    }
}
