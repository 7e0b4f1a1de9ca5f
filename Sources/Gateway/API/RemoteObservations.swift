import FootfallCore
import Foundation
import Hummingbird

/// `POST /api/observations`: a batch from another gateway of the store acting as a sensor.
/// Each sensor has its own token; the body is bounded, validated and clock-checked.
enum RemoteObservations {
    struct Batch: Codable {
        struct Item: Codable {
            var time: Double
            var device: String
            var rssi: Double
            var txPower: Int?
            var radio: String?
            var channel: Int?
            enum CodingKeys: String, CodingKey {
                case time, device, rssi, channel, radio
                case txPower = "tx_power"
            }
        }
        var sensor: String
        var sentAt: Double
        var observations: [Item]
        enum CodingKeys: String, CodingKey {
            case sensor, observations
            case sentAt = "sent_at"
        }
    }

    static func accept(_ request: Request, context: some RequestContext, _ d: APIServer.Dependencies) async throws -> Response {
        let api = d.configuration.api
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: api.maxBodyBytes)
        } catch {
            return APIServer.json(["error": "the body is over \(api.maxBodyBytes) bytes; send smaller batches"], status: .contentTooLarge)
        }
        let batch: Batch
        do {
            batch = try JSONDecoder().decode(Batch.self, from: Data(buffer: body))
        } catch {
            return APIServer.json(["error": "not an observation batch: \(describe(error))"], status: .badRequest)
        }
        guard let token = api.sensorTokens[batch.sensor],
              request.headers[.authorization] == "Bearer \(token)" else {
            return APIServer.json(["error": "a valid token for sensor '\(batch.sensor)' is required"], status: .unauthorized)
        }
        guard d.configuration.layout.sensor(SensorID(batch.sensor)) != nil else {
            return APIServer.json(["error": "sensor '\(batch.sensor)' is not in the store configuration"], status: .badRequest)
        }
        let skew = batch.sentAt - d.now()
        guard abs(skew) <= api.maxClockSkew else {
            return APIServer.json(["error": String(format: "the sensor's clock is %.1f s off; synchronise it (NTP) — at most %.0f s is accepted", skew, api.maxClockSkew)], status: .badRequest)
        }
        var observations: [Observation] = []
        for (index, item) in batch.observations.enumerated() {
            guard item.rssi > -200, item.rssi < 100, item.time.isFinite, !item.device.isEmpty else {
                return APIServer.json(["error": "observations[\(index)]: rssi, time or device is not valid"], status: .badRequest)
            }
            var radio = Radio.ble
            if let name = item.radio {
                guard let parsed = Radio(rawValue: name) else {
                    return APIServer.json(["error": "observations[\(index)].radio: '\(name)' must be ble or wifi"], status: .badRequest)
                }
                radio = parsed
            }
            observations.append(Observation(
                time: item.time, sensor: SensorID(batch.sensor), device: DeviceID(item.device), rssi: item.rssi,
                txPower: item.txPower, radio: radio, channel: item.channel))
        }
        if !observations.isEmpty { d.bus.send(.observations(observations)) }
        return APIServer.json(["accepted": "\(observations.count)"], status: .accepted)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted:
            return "the body is not JSON"
        default:
            return "\(error)"
        }
    }
}
