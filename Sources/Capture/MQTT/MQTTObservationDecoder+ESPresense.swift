import BLE
import FootfallCore
import WiFi

extension MQTTObservationDecoder {
    /// An ESPresense report: `espresense/devices/<id>/<room>` (or `espresense/rooms/<room>`
    /// before firmware 3.0) with a JSON object. Used: `rssi` (the last advertisement's raw
    /// RSSI), `id` (the device), `mac` (when `id` is a fingerprint), `rssi@1m` (for beacons:
    /// their advertised measured power). Not used: `distance`, `raw`, `var`, `speed` (the
    /// node's own filtered estimate; Footfall filters the raw RSSI itself), `int` (the
    /// advertising interval), `name`, `idType`, `disc`, `close`.
    func espresense(topic: String, payload: [UInt8], time: Double) throws(MQTTInputError) -> Observation {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let room: Substring
        if levels.count == 4, levels[1] == "devices" {
            room = levels[3]
        } else if levels.count == 3, levels[1] == "rooms" {
            room = levels[2]
        } else {
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .unexpectedTopic,
                "not an ESPresense report topic; expected espresense/devices/<id>/<room> or espresense/rooms/<room>")
        }
        // The four members used, read straight from a plain report; any other payload is parsed
        // whole (and its errors said) as before.
        let members: [JSONValue?]
        if let plain = FlatJSONObject.members(payload, Self.espresenseMembers) {
            members = plain
        } else {
            let report = try object(payload, topic: topic)
            members = Self.espresenseMemberNames.map { report[$0] }
        }
        let sensor = try sensor(forNode: room, topic: topic, field: nil)
        let rssi = try rssi(value: members[0], topic: topic)
        guard let id = members[1]?.string, !id.isEmpty else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: "id", "no device id; ESPresense sends one with every report")
        }
        guard let (device, isBeacon) = Self.espresenseDevice(id: id, mac: members[2]?.string) else {
            // The id's kind only: the rest may be an address or a key.
            let kind = id.split(separator: ":").first.map(String.init) ?? "?"
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .unusableDevice, field: "mac",
                "a '\(kind):' id is a fingerprint many devices share and the report has no usable mac; update the node's firmware (3.0 or later sends mac)")
        }
        let txPower = isBeacon ? members[3]?.number.flatMap { Observation.plausibleRSSI.contains($0) ? Int($0) : nil } : nil
        return Observation(time: time, sensor: sensor, device: device, rssi: rssi, txPower: txPower, radio: .ble)
    }

    /// What `espresense` reads of a report, in this order.
    static let espresenseMemberNames = ["rssi", "id", "mac", "rssi@1m"]
    static let espresenseMembers = espresenseMemberNames.map { Array($0.utf8) }

    /// ESPresense's device ids in Footfall's forms (DESIGN.md): `iBeacon:<uuid>-<major>-<minor>`,
    /// `altBeacon:<id1>-<id2>-<id3>`, `eddy:<namespace>-<instance>` are beacons; an id that is an
    /// address (twelve hex digits) is that address; every other kind (`apple:…`, `msft:…`,
    /// `sd:…`, `md:…`, `name:…`, `irk:…`, `tile:…`) names a model or a key the node resolved,
    /// not one device, so the report's `mac` is the device.
    static func espresenseDevice(id: String, mac: String?) -> (DeviceID, beacon: Bool)? {
        if id.hasPrefix("iBeacon:") || id.hasPrefix("altBeacon:") {
            let kind = id.hasPrefix("iBeacon:") ? "ibeacon" : "altbeacon"
            let parts = id[id.index(after: id.firstIndex(of: ":")!)...].split(separator: "-")
            let uuidLengths = [8, 4, 4, 4, 12]
            if parts.count == 7, zip(parts, uuidLengths).allSatisfy({ $0.count == $1 && $0.allSatisfy(\.isHexDigit) }),
               let major = UInt16(parts[5]), let minor = UInt16(parts[6]) {
                let uuid = parts[0..<5].joined(separator: "-").lowercased()
                return (DeviceID("\(kind):\(uuid):\(major):\(minor)"), true)
            }
        } else if id.hasPrefix("eddy:") {
            let parts = id.dropFirst(5).split(separator: "-")
            if parts.count == 2, parts[0].count == 20, parts[1].count == 12, parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) {
                return (DeviceID("eddystone:\(parts[0].lowercased()):\(parts[1].lowercased())"), true)
            }
        } else if let address = address(id) {
            return (device(address: address), false)
        }
        if let mac, let address = address(mac) { return (device(address: address), false) }
        return nil
    }
}
