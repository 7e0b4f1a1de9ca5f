import FootfallCore

extension MerakiScanningReport {
    /// Decodes a webhook body. When `sharedSecret` is given, the body's `secret` must equal it.
    public init(decoding body: some Collection<UInt8>, sharedSecret: String?) throws(MerakiError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(Array(body))
        } catch {
            throw .malformedJSON(offset: error.offset, message: error.message)
        }
        if let sharedSecret, !SecretComparison.equal(document["secret"]?.string ?? "", sharedSecret) { throw .secretMismatch }
        guard let version = document["version"]?.string else {
            throw .invalidField(path: "version", message: document["version"] == nil ? "missing; expected \"2.0\" or \"3.0\"" : "not a string; expected \"2.0\" or \"3.0\"")
        }
        guard let type = document["type"]?.string else {
            throw .invalidField(path: "type", message: "missing")
        }
        guard let data = document["data"], case .object = data else {
            throw .invalidField(path: "data", message: "missing or not an object")
        }
        self.version = version
        // The major version exactly: "30" is no version 3.
        let major = version.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? version
        switch (major == "3", major == "2", type) {
        case (true, _, "WiFi"): kind = .wifi
        // Real v3 bodies say "Bluetooth"; Meraki's v3 changelog says "BLE".
        case (true, _, "Bluetooth"), (true, _, "BLE"): kind = .bluetooth
        case (_, true, "DevicesSeen"): kind = .wifi
        case (_, true, "BluetoothDevicesSeen"): kind = .bluetooth
        case (false, false, _): throw .unsupportedVersion(version)
        default: throw .unsupportedType(type)
        }
        networkID = data["networkId"]?.string
        guard let observations = data["observations"]?.array else {
            throw .invalidField(path: "data.observations", message: "missing or not an array")
        }
        var clients: [Client] = []
        clients.reserveCapacity(observations.count)
        var skipped: [MerakiError] = []
        if major == "2" {
            // Every v2 reading is the reporting access point's: without it, none is usable.
            _ = try Self.macAddress(data["apMac"], path: "data.apMac")
        }
        for (index, observation) in observations.enumerated() {
            let path = "data.observations[\(index)]"
            // One client the access points reported badly is left out, not the whole report: Meraki
            // sends a refused report again as it was, so refusing it would lose the minute of every
            // other client for good.
            do throws(MerakiError) {
                clients.append(major == "3"
                    ? try Self.clientV3(observation, path: path)
                    : try Self.clientV2(observation, apMac: data["apMac"], path: path))
            } catch {
                skipped.append(error)
            }
        }
        self.clients = clients
        self.skippedClients = skipped.count
        self.firstSkipped = skipped.first
    }

    private static func clientV3(_ o: JSONValue, path: String) throws(MerakiError) -> Client {
        let mac = try macAddress(o["clientMac"], path: "\(path).clientMac")
        var readings: [Reading] = []
        let latest = o["latestRecord"]
        let latestTime = try latest?["time"].map { (t) throws(MerakiError) in try time(t, path: "\(path).latestRecord.time") }
        for (l, location) in (o["locations"]?.array ?? []).enumerated() {
            let locationPath = "\(path).locations[\(l)]"
            let locationTime = try location["time"].flatMap { (t) throws(MerakiError) -> Double? in
                t.isNull ? nil : try time(t, path: "\(locationPath).time")
            } ?? latestTime
            for (r, record) in (location["rssiRecords"]?.array ?? []).enumerated() {
                let recordPath = "\(locationPath).rssiRecords[\(r)]"
                guard let locationTime else {
                    throw .invalidField(path: "\(locationPath).time", message: "missing, and no latestRecord.time to fall back on")
                }
                readings.append(Reading(
                    time: locationTime,
                    accessPoint: try macAddress(record["apMac"], path: "\(recordPath).apMac"),
                    rssi: try rssi(record["rssi"], path: "\(recordPath).rssi")
                ))
            }
        }
        if readings.isEmpty, let latest, latest["nearestApMac"].map({ !$0.isNull }) ?? false {
            guard let latestTime else { throw .invalidField(path: "\(path).latestRecord.time", message: "missing") }
            readings.append(Reading(
                time: latestTime,
                accessPoint: try macAddress(latest["nearestApMac"], path: "\(path).latestRecord.nearestApMac"),
                rssi: try rssi(latest["nearestApRssi"], path: "\(path).latestRecord.nearestApRssi")
            ))
        }
        var beacons: [BLEBeacon] = []
        for (b, beacon) in (o["bleBeacons"]?.array ?? []).enumerated() {
            guard let raw = beacon["rawData"]?.string else { continue }
            guard let bytes = hexBytes(raw) else {
                // Not quoted: an advertisement often carries its sender's address.
                throw .invalidField(path: "\(path).bleBeacons[\(b)].rawData", message: "a value of \(raw.count) characters that is not an even number of hex digits")
            }
            beacons.append(BLEBeacon(rawAdvertisement: bytes, bleType: beacon["bleType"]?.string))
        }
        return Client(
            mac: mac, readings: readings, manufacturer: o["manufacturer"]?.string, os: o["os"]?.string,
            ssid: o["ssid"]?.string, bleBeacons: beacons
        )
    }

    private static func clientV2(_ o: JSONValue, apMac: JSONValue?, path: String) throws(MerakiError) -> Client {
        let mac = try macAddress(o["clientMac"], path: "\(path).clientMac")
        let accessPoint = try macAddress(apMac, path: "data.apMac")
        let seen: Double
        if let epoch = o["seenEpoch"]?.number {
            if let problem = Observation.timeProblem(epoch) { throw .invalidField(path: "\(path).seenEpoch", message: problem) }
            seen = epoch
        } else {
            seen = try time(o["seenTime"] ?? .null, path: "\(path).seenTime")
        }
        let reported = try rssi(o["rssi"], path: "\(path).rssi", aboveNoise: true)
        return Client(
            mac: mac, readings: [Reading(time: seen, accessPoint: accessPoint, rssi: reported)],
            manufacturer: o["manufacturer"]?.string, os: o["os"]?.string, ssid: o["ssid"]?.string
        )
    }

    private static func macAddress(_ value: JSONValue?, path: String) throws(MerakiError) -> MACAddress {
        guard let text = value?.string else { throw .invalidField(path: path, message: "missing or not a string") }
        guard let mac = MACAddress(text) else {
            // Not quoted: a mistyped address is still mostly someone's address.
            throw .invalidField(path: path, message: "a value of \(text.count) characters that is not a MAC address (six pairs of hex digits joined by colons)")
        }
        return mac
    }

    /// A number, or a string holding one: Meraki's documentation shows strings, real bodies numbers.
    /// v2 documents a client's `rssi` only as "Device RSSI as seen by AP" and sends positive
    /// numbers (dB above the noise floor): with `aboveNoise`, taking the floor as −95 dBm gives
    /// dBm like v3's. Refused outside what a radio reports (`Observation.plausibleRSSI`).
    private static func rssi(_ value: JSONValue?, path: String, aboveNoise: Bool = false) throws(MerakiError) -> Double {
        var n: Double
        switch value {
        case .number(let number)?: n = number
        case .string(let s)?:
            guard let number = Double(s.filter { $0 != " " }) else { throw .invalidField(path: path, message: "\"\(s)\" is not a number") }
            n = number
        default: throw .invalidField(path: path, message: "missing, or neither a number nor a string")
        }
        // 0 is a client at the noise floor, not one at 0 dBm.
        if aboveNoise, n >= 0 { n -= 95 }
        if let problem = Observation.rssiProblem(n) { throw .invalidField(path: path, message: problem) }
        return n
    }

    private static func time(_ value: JSONValue, path: String) throws(MerakiError) -> Double {
        guard let text = value.string else { throw .invalidField(path: path, message: "missing or not a string") }
        guard let seconds = ISO8601Time.seconds(text) else {
            throw .invalidField(path: path, message: "\"\(text)\" is not an RFC 3339 time like 2021-11-23T14:01:49Z")
        }
        if let problem = Observation.timeProblem(seconds) { throw .invalidField(path: path, message: problem) }
        return seconds
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
