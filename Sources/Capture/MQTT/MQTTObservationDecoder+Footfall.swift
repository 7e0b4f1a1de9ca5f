import FootfallCore
import WiFi

extension MQTTObservationDecoder {
    /// A sensor gateway's batch, the body of `POST /api/observations` (docs/api.md):
    /// `{"sensor", "sent_at", "observations": [{"time", "device", "rssi", "tx_power",
    /// "radio", "channel"}]}`, every field used. A batch with a bad item is refused whole, as
    /// the HTTP endpoint refuses it; `sent_at` is not checked against the clock, since a broker
    /// hands over what it queued during an outage late by design. What the batch's `stream` and
    /// `seq` say was taken already (a broker's repeat at QoS 1) is left out (`repeats`).
    func footfall(topic: String, payload: [UInt8], time received: Double) throws(MQTTInputError) -> [Observation] {
        // The members used, read straight from a plain batch (ten a second from each sensor);
        // any other payload is parsed whole, and its errors said, as before.
        let members: [JSONValue?]
        let items: [[JSONValue?]]?
        if let plain = FlatJSONObject.batch(payload, Self.footfallMembers, array: Self.footfallObservations, items: Self.footfallItemMembers) {
            members = plain.members
            items = plain.items
        } else {
            let batch = try object(payload, topic: topic)
            members = Self.footfallMemberNames.map { batch[$0] }
            items = batch["observations"]?.array?.map { item in Self.footfallItemNames.map { item[$0] } }
        }
        let sensorName = members[0]
        guard let name = sensorName?.string else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "sensor", "no sensor id; a batch names the sensor that heard it")
        }
        // On a sensor's own topic (footfall/<store>/sensors/<sensor>) the batch is that
        // sensor's: a broker's ACL that lets each sensor gateway publish on its own topic only
        // then also keeps it from posting as another sensor.
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        if levels.count == 4, levels[0] == "footfall", levels[2] == "sensors", levels[3] != Substring(name) {
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .unmappedNode, field: "sensor",
                "'\(Self.shownLevel(Substring(name)))' is not the sensor of the topic it came on ('\(Self.shownLevel(levels[3]))'); a sensor gateway publishes each sensor's batches on footfall/<store>/sensors/<that sensor>")
        }
        let sensor = try sensor(forNode: Substring(name), topic: topic, field: "sensor")
        guard let items else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "observations", "no array of observations")
        }
        for (index, member) in ["stream", "seq"].enumerated() {
            guard let value = members[1 + index], !value.isNull, (index == 0 ? value.string == nil : value.number == nil) else { continue }
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: member, index == 0 ? "not a string" : "not a number")
        }
        let stream = members[1]?.string, seq = members[2]?.number
        if let (field, problem) = SensorBatchSequence.problem(stream: stream, seq: seq) {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: field, problem)
        }
        var observations: [Observation] = []
        observations.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            func field(_ member: String) -> String { "observations[\(index)].\(member)" }  // for an error only
            let rssi = try rssi(value: item[0], field: field("rssi"), topic: topic)
            guard let time = item[1]?.number else {
                throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: field("time"), "not a time; send seconds since 1970 (UTC)")
            }
            if let problem = Observation.timeProblem(time) {
                throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: field("time"), problem)
            }
            guard let device = item[2]?.string, !device.isEmpty else {
                throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: field("device"), "empty; send the device's id")
            }
            var radio = Radio.ble
            if let text = item[3]?.string {
                guard let parsed = Radio(rawValue: text) else {
                    throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: field("radio"), Radio.refusal(text))
                }
                radio = parsed
            }
            let whole = { (value: Double?) -> Int? in value.flatMap { $0 == $0.rounded() && abs($0) < 100_000 ? Int($0) : nil } }
            var txPower: Int?
            if let value = item[4]?.number {
                guard value == value.rounded(), abs(value) <= 1_000 else {
                    throw MQTTInputError(topic: shownTopic(topic), reason: .txPowerOutOfRange, field: field("tx_power"), "\(value) is not a whole number of dBm")
                }
                if let problem = Observation.txPowerProblem(Int(value)) {
                    throw MQTTInputError(topic: shownTopic(topic), reason: .txPowerOutOfRange, field: field("tx_power"), problem)
                }
                txPower = Int(value)
            }
            observations.append(Observation(
                time: time, sensor: sensor, device: DeviceID(device), rssi: rssi,
                txPower: txPower, radio: radio, channel: whole(item[5]?.number)))
        }
        // A numbered batch that the source will refuse as ahead of the clock is refused here,
        // before it counts as taken: handed over again once the clock has caught up, it is then
        // taken, not left out as taken. (Unnumbered, the source's own check refuses it.)
        if stream != nil, let ahead = MQTTSource.aheadOfTheClock(observations, now: received, topic: shownTopic(topic)) { throw ahead }
        let repeated = repeats.take(sensor: sensor, stream: stream, seq: seq.map { UInt64($0) }, count: observations.count)
        return repeated > 0 ? Array(observations.dropFirst(repeated)) : observations
    }

    /// What `footfall` reads of a batch and of each of its observations, in this order.
    static let footfallMemberNames = ["sensor", "stream", "seq"]
    static let footfallMembers = footfallMemberNames.map { Array($0.utf8) }
    static let footfallObservations = Array("observations".utf8)
    static let footfallItemNames = ["rssi", "time", "device", "radio", "tx_power", "channel"]
    static let footfallItemMembers = footfallItemNames.map { Array($0.utf8) }
}
