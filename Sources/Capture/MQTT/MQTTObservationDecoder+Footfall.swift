import FootfallCore
import WiFi

extension MQTTObservationDecoder {
    /// A sensor gateway's batch, the body of `POST /api/observations` (docs/api.md):
    /// `{"sensor", "sent_at", "observations": [{"time", "device", "rssi", "tx_power",
    /// "radio", "channel"}]}`, every field used. A batch with a bad item is refused whole, as
    /// the HTTP endpoint refuses it; `sent_at` is not checked against the clock, since a broker
    /// hands over what it queued during an outage late by design.
    func footfall(topic: String, payload: [UInt8]) throws(MQTTInputError) -> [Observation] {
        let batch = try object(payload, topic: topic)
        guard let name = batch["sensor"]?.string else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "sensor", "no sensor id; a batch names the sensor that heard it")
        }
        let sensor = try sensor(forNode: Substring(name), topic: topic, field: "sensor")
        guard let items = batch["observations"]?.array else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "observations", "no array of observations")
        }
        var observations: [Observation] = []
        observations.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let field = "observations[\(index)]"
            let rssi = try rssi(item, field: "\(field).rssi", topic: topic)
            guard let time = item["time"]?.number, time.isFinite else {
                throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "\(field).time", "not a time; send seconds since 1970 (UTC)")
            }
            guard let device = item["device"]?.string, !device.isEmpty else {
                throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "\(field).device", "empty; send the device's id")
            }
            var radio = Radio.ble
            if let text = item["radio"]?.string {
                guard let parsed = Radio(rawValue: text) else {
                    throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "\(field).radio", "'\(text)' must be ble or wifi")
                }
                radio = parsed
            }
            let whole = { (value: Double?) -> Int? in value.flatMap { $0 == $0.rounded() && abs($0) < 100_000 ? Int($0) : nil } }
            observations.append(Observation(
                time: time, sensor: sensor, device: DeviceID(device), rssi: rssi,
                txPower: whole(item["tx_power"]?.number), radio: radio, channel: whole(item["channel"]?.number)))
        }
        return observations
    }
}
