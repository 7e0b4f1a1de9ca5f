import BLE
import FootfallCore
import WiFi

extension MQTTObservationDecoder {
    /// An ESPresense report: `espresense/devices/<id>/<room>` (or `espresense/rooms/<room>`,
    /// which firmware up to 3.2 also publishes and 1.0 published alone) with a JSON object. Used: `rssi` (the last advertisement's raw
    /// RSSI), `id` (the device), `mac` (when `id` is a fingerprint), `rssi@1m` (for beacons:
    /// their advertised measured power), `idType` (55: the id is a public address). Not used:
    /// `distance`, `raw`, `var`, `speed` (the node's own filtered estimate; Footfall filters the
    /// raw RSSI itself), `int` (the advertising interval), `name`, `disc`, `close`.
    func espresense(topic: String, payload: [UInt8], time: Double) throws(MQTTInputError) -> Observation {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let room: Substring
        // Read from the end: a node configured with a longer prefix (site3/espresense/…)
        // publishes the same last levels.
        if levels.count >= 4, levels[levels.count - 3] == "devices" {
            room = levels[levels.count - 1]
        } else if levels.count >= 3, levels[levels.count - 2] == "rooms" {
            room = levels[levels.count - 1]
        } else {
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .unexpectedTopic,
                "not an ESPresense report topic; expected <prefix>/devices/<id>/<room> or <prefix>/rooms/<room> (espresense/… by default)")
        }
        // The members used, read straight from a plain report; any other payload is parsed
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
        let idType = members[4]?.number
        guard let (device, isBeacon) = Self.espresenseDevice(id: id, mac: members[2]?.string, idType: idType) else {
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
    static let espresenseMemberNames = ["rssi", "id", "mac", "rssi@1m", "idType"]
    static let espresenseMembers = espresenseMemberNames.map { Array($0.utf8) }

    /// ESPresense's device ids in Footfall's forms (DESIGN.md): `iBeacon:<uuid>-<major>-<minor>`
    /// (the uuid dashed, or 32 digits as early firmware wrote it), `altBeacon:<id1>-<id2>-<id3>`,
    /// `eddy:<namespace>-<instance>` are beacons; an id that is an address (twelve hex digits)
    /// is that address, public when `idType` says so (55); every other kind (`apple:…`,
    /// `msft:…`, `sd:…`, `md:…`, `name:…`, `irk:…`, `tile:…`) names a model or a key the node
    /// resolved, not one device, so the report's `mac` is the device.
    static func espresenseDevice(id: String, mac: String?, idType: Double? = nil) -> (DeviceID, beacon: Bool)? {
        if id.hasPrefix("iBeacon:") || id.hasPrefix("altBeacon:") {
            let kind = id.hasPrefix("iBeacon:") ? "ibeacon" : "altbeacon"
            let parts = id[id.index(after: id.firstIndex(of: ":")!)...].split(separator: "-")
            if parts.count >= 3, let uuid = Self.beaconUUID(parts.dropLast(2).joined(separator: "-")),
               let major = UInt16(parts[parts.count - 2]), let minor = UInt16(parts[parts.count - 1]) {
                return (DeviceID("\(kind):\(uuid):\(major):\(minor)"), true)
            }
        } else if id.hasPrefix("eddy:") {
            let parts = id.dropFirst(5).split(separator: "-")
            if parts.count == 2, parts[1].count == 12, parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }),
               let namespace = Self.eddystoneNamespace(parts[0]) {
                return (DeviceID("eddystone:\(namespace):\(parts[1].lowercased())"), true)
            }
        } else if let address = address(id) {
            return (device(address: address, isPublic: idType == Self.espresensePublicAddress), false)
        }
        if let mac, let address = address(mac) { return (device(address: address), false) }
        return nil
    }

    /// ESPresense's `idType` for an id that is the device's public address.
    static let espresensePublicAddress = 55.0

    /// An Eddystone-UID namespace as ESPresense writes it: its 10 bytes in 20 digits, or in 22
    /// with the fifth byte twice (every firmware from 3.0 on prints it so), lower case.
    static func eddystoneNamespace(_ digits: Substring) -> String? {
        switch digits.count {
        case 20:
            return digits.lowercased()
        case 22 where digits.dropFirst(8).prefix(2).lowercased() == digits.dropFirst(10).prefix(2).lowercased():
            return (digits.prefix(10) + digits.dropFirst(12)).lowercased()
        default:
            return nil
        }
    }
}
