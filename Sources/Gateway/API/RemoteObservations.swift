import Capture
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
            // Read as numbers and checked to be whole here: Foundation's decoder reports a
            // fraction where an Int goes as "not valid JSON", naming nothing.
            var txPower: Double?
            var radio: String?
            var channel: Double?
            enum CodingKeys: String, CodingKey {
                case time, device, rssi, channel, radio
                case txPower = "tx_power"
            }
        }
        var sensor: String
        /// The sensor gateway's numbering of the sensor's observations (`SensorBatchSequence`).
        var stream: String?
        var seq: Double?
        var sentAt: Double
        var observations: [Item]
        enum CodingKeys: String, CodingKey {
            case sensor, observations, stream, seq
            case sentAt = "sent_at"
        }

        init(_ plain: PlainSensorBatch) {
            sensor = plain.sensor
            stream = plain.stream
            seq = plain.seq
            sentAt = plain.sentAt
            observations = plain.observations.map {
                Item(time: $0.time, device: $0.device, rssi: $0.rssi, txPower: $0.txPower, radio: $0.radio, channel: $0.channel)
            }
        }
    }

    /// The longest id or other text a batch may carry (characters): the longest device id
    /// form, an Eddystone-UID's, is 42.
    static let maxTextLength = 128

    static func accept(_ request: Request, context: some RequestContext, _ d: APIServer.Dependencies) async throws -> Response {
        let api = d.configuration.api
        // Without a sensor's token nothing is read: the body could come from anyone. Which
        // sensor the token is for is checked once the batch names it.
        guard let header = request.headers[.authorization], let credential = BearerToken.credential(header),
              SecretComparison.isOne(of: api.sensorTokens.values, credential) else {
            return refuse("a sensor's bearer token is required (api.sensor_tokens)", .unauthorized)
        }
        if APIServer.announcesMoreThan(api.maxBodyBytes, request) {
            return refuse("the body is over \(api.maxBodyBytes) bytes; send smaller batches", .contentTooLarge)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: api.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // A body sent in chunks grows past the bound while it is read: NIOTooManyBytesError.
            return refuse("the body is over \(api.maxBodyBytes) bytes; send smaller batches", .contentTooLarge)
        }
        // A plain batch is read straight from its bytes (as the uplink sends it, several times a
        // second a sensor); any other is decoded whole, which names what is wrong with it.
        let bytes = Array(buffer: body)
        let batch: Batch
        if let plain = PlainSensorBatch.read(bytes) {
            batch = Batch(plain)
        } else {
            do {
                batch = try JSONDecoder().decode(Batch.self, from: Data(bytes))
            } catch {
                return refuse("not an observation batch: \(describe(error))", .badRequest)
            }
        }
        guard batch.sensor.count <= Self.maxTextLength else {
            return refuse("sensor: \(batch.sensor.count) characters; a sensor id is at most \(Self.maxTextLength)", .badRequest)
        }
        guard let token = api.sensorTokens[batch.sensor], SecretComparison.equal(credential, token) else {
            return refuse("a valid token for sensor '\(batch.sensor)' is required", .unauthorized)
        }
        guard d.configuration.layout.sensor(SensorID(batch.sensor)) != nil else {
            return refuse("sensor '\(batch.sensor)' is not in the store configuration", .badRequest)
        }
        if let (field, problem) = SensorBatchSequence.problem(stream: batch.stream, seq: batch.seq) {
            return refuse("\(field): \(problem)", .badRequest)
        }
        let skew = batch.sentAt - d.now()
        guard abs(skew) <= api.maxClockSkew else {
            return refuse(String(format: "the sensor's clock is %.1f s off; synchronise it (NTP) — at most %.0f s is accepted", max(min(skew, 1e12), -1e12), api.maxClockSkew), .badRequest)
        }
        var observations: [Observation] = []
        for (index, item) in batch.observations.enumerated() {
            if let problem = Observation.rssiProblem(item.rssi) {
                return refuse("observations[\(index)].rssi: \(problem)", .badRequest)
            }
            if let problem = Observation.timeProblem(item.time) {
                return refuse("observations[\(index)].time: \(problem)", .badRequest)
            }
            // Heard before it was sent: a reading stamped after `sent_at` (whose clock is checked
            // above) is from a clock that is wrong, and would move the pipeline's on by as much.
            guard item.time - batch.sentAt <= api.maxClockSkew else {
                return refuse(String(format: "observations[\(index)].time: %.1f s after the batch's sent_at; a reading is sent after it is heard (at most %.0f s apart, api.max_clock_skew)", min(item.time - batch.sentAt, 1e12), api.maxClockSkew), .badRequest)
            }
            guard !item.device.isEmpty else {
                return refuse("observations[\(index)].device: empty; send the device's id", .badRequest)
            }
            guard item.device.count <= Self.maxTextLength else {
                return refuse("observations[\(index)].device: \(item.device.count) characters; a device id is at most \(Self.maxTextLength) (ibeacon:<uuid>:<major>:<minor>, ble:<address>, wifi:<mac>, …)", .badRequest)
            }
            for (field, value) in [("tx_power", item.txPower), ("channel", item.channel)] {
                guard let value, value != value.rounded() || abs(value) >= 100_000 else { continue }
                return refuse("observations[\(index)].\(field): \(value) is not a whole number", .badRequest)
            }
            if let tx = item.txPower, let problem = Observation.txPowerProblem(Int(tx)) {
                return refuse("observations[\(index)].tx_power: \(problem)", .badRequest)
            }
            var radio = Radio.ble
            if let name = item.radio {
                guard let parsed = Radio(rawValue: name) else {
                    return refuse("observations[\(index)].radio: \(Radio.refusal(name))", .badRequest)
                }
                radio = parsed
            }
            observations.append(Observation(
                time: item.time, sensor: SensorID(batch.sensor), device: DeviceID(item.device), rssi: item.rssi,
                txPower: item.txPower.map { Int($0) }, radio: radio, channel: item.channel.map { Int($0) }))
        }
        // A gateway stopping takes nothing more: answered 503, the sensor gateway sends the
        // batch again (audit: answered 202 while the pipeline had stopped, the batch was lost).
        // Checked before its numbers are marked taken, so the batch sent again is not left out.
        guard !d.bus.isFinished else { return Self.stopping() }
        // What this sensor gateway sent before and was taken (its answer lost) is left out.
        let sensor = SensorID(batch.sensor), seq = batch.seq.map { UInt64($0) }, count = observations.count
        let repeated = d.repeats.take(sensor: sensor, stream: batch.stream, seq: seq, count: count)
        if repeated > 0 { observations.removeFirst(repeated) }
        if !observations.isEmpty, !d.bus.send(.observations(observations)) {
            // Stopped meanwhile: nothing taken, and the marks (kept for the next start) say so,
            // or the batch sent again then would be left out as sent before (review).
            d.repeats.untake(sensor: sensor, stream: batch.stream, seq: seq, count: count, repeated: repeated)
            return Self.stopping()
        }
        var answer = ["accepted": "\(observations.count)"]
        if repeated > 0 { answer["repeated"] = "\(repeated)" }
        return APIServer.json(answer, status: .accepted)
    }

    /// An answer refusing the request. The message may quote the batch (a sensor's name, a
    /// radio); an address among it is masked, as in every error that leaves the gateway.
    /// The answer while the gateway stops: nothing was taken, send it again.
    static func stopping() -> Response {
        APIServer.json(["error": "the gateway is stopping and took nothing of this; send it again"], status: .serviceUnavailable)
    }

    static func refuse(_ message: String, _ status: HTTPResponse.Status) -> Response {
        APIServer.json(["error": AddressRedaction.redacted(message)], status: status)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' has the wrong type"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            // Valid JSON, a value that does not fit (a fraction where a whole number goes).
            return "field '\(path(context.codingPath))' has the wrong type"
        case DecodingError.dataCorrupted:
            return "the body is not JSON"
        default:
            return "\(error)"
        }
    }

    /// `observations[0].rssi`, not the decoder's `observations.Index 0.rssi`.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce(into: "") { text, key in
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
    }
}
