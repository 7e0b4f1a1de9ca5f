import BLE
import FootfallCore
import WiFi

extension MQTTObservationDecoder {
    /// An OpenMQTTGateway (or Theengs Gateway) advertisement: `<base>/<gateway>/BTtoMQTT/<MAC>`
    /// with a JSON object. Used: `id` (the advertiser's address; `mac` where the gateway put a
    /// beacon's uuid in `id`), `mac_type` (0: a public address), `rssi`, and the raw
    /// advertisement when the gateway publishes it (`pubadvdata`): `manufacturerdata` (hex,
    /// company id first) and `servicedata` with `servicedatauuid`, decoded by the BLE module's
    /// beacon decoders exactly as an HCI report's data is; without them, a beacon the gateway
    /// decoded itself (`model_id: IBEACON` with `uuid`, `major`, `minor`, `txpower`). Not used:
    /// `distance`, `name`, `brand`, `model`, sensor readings, `txpower` of other devices. A
    /// message without `rssi` is not an advertisement heard (the gateway's own state, a
    /// tracker's `offline`, a reading taken over a connection) and is refused as
    /// `.notAnAdvertisement`, which callers skip.
    func openMQTTGateway(topic: String, payload: [UInt8], time: Double) throws(MQTTInputError) -> Observation {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard let bt = levels.firstIndex(of: "BTtoMQTT"), bt > 0 else {
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .unexpectedTopic,
                "not a BTtoMQTT topic; expected <base>/<gateway>/BTtoMQTT/<MAC>")
        }
        let report = try object(payload, topic: topic)
        guard report["rssi"] != nil else {
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .notAnAdvertisement, field: "rssi",
                "no rssi: the gateway's own state, a tracker's presence or a connected sensor's reading, not an advertisement heard; skipped")
        }
        let sensor = try sensor(forNode: levels[bt - 1], topic: topic, field: nil)
        let rssi = try rssi(report, topic: topic)
        let beacon = Self.beacon(in: report)
        var device = beacon?.device
        if device == nil {
            // `id` is the address, but with `presuseuuid` a beacon's uuid, the address then in `mac`.
            guard let address = report["id"]?.string.flatMap(Self.address) ?? report["mac"]?.string.flatMap(Self.address) else {
                throw MQTTInputError(
                    topic: shownTopic(topic), reason: .missingField, field: "id",
                    "no advertiser address (six pairs of hex digits joined by colons); the gateway sends one with every advertisement")
            }
            device = Self.device(address: address, isPublic: report["mac_type"]?.number == 0)
        }
        return Observation(time: time, sensor: sensor, device: device!, rssi: rssi, txPower: beacon?.txPower, radio: .ble)
    }

    /// The beacon in a gateway's report: its raw advertising data rebuilt as AD structures and
    /// decoded as over HCI, else the gateway's own iBeacon decoding.
    static func beacon(in report: JSONValue) -> (device: DeviceID, txPower: Int?)? {
        var data: [UInt8] = []
        if let manufacturer = report["manufacturerdata"]?.string.flatMap(hexBytes), !manufacturer.isEmpty, manufacturer.count < 255 {
            // AD structure: length, type 0xFF (manufacturer specific data), company id + data.
            data += [UInt8(manufacturer.count + 1), ADType.manufacturerSpecificData] + manufacturer
        }
        if let service = report["servicedata"]?.string.flatMap(hexBytes),
           let uuidText = report["servicedatauuid"]?.string, let uuid = UInt16(uuidText.replacingOccurrences(of: "0x", with: ""), radix: 16),
           service.count < 253 {
            // Type 0x16 (service data, 16-bit UUID): the UUID little-endian, then the data.
            data += [UInt8(service.count + 3), ADType.serviceData16BitUUID, UInt8(uuid & 0xFF), UInt8(uuid >> 8)] + service
        }
        if !data.isEmpty, let parsed = try? AdvertisingData(parsing: data), let beacon = parsed.beacon, let id = beacon.deviceID {
            return (id, beacon.txPowerAt1m)
        }
        if report["model_id"]?.string?.uppercased() == "IBEACON", let uuid = report["uuid"]?.string.flatMap(beaconUUID),
           let major = integer(report["major"]), let minor = integer(report["minor"]) {
            // The measured power, when it is one (a signed byte of dBm); anything else is left out.
            let measured = report["txpower"]?.number.flatMap { value -> Int? in
                guard value.isFinite, value == value.rounded(), abs(value) <= 1_000, Observation.txPowerProblem(Int(value)) == nil else { return nil }
                return Int(value)
            }
            return (DeviceID.ibeacon(uuid: uuid, major: major, minor: minor), measured)
        }
        return nil
    }

    private static func integer(_ value: JSONValue?) -> UInt16? {
        if let number = value?.number, number >= 0, number <= 65_535, number == number.rounded() { return UInt16(number) }
        return value?.string.flatMap { UInt16($0) }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexDigit(digits[index]), let low = hexDigit(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
