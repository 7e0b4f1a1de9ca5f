import BLE
import FootfallCore
import WiFi

/// Turns one broker message into observations, by format (`MQTTFormat`). The time of a report
/// that carries none (ESPresense, OpenMQTTGateway) is passed in, and nothing is read from the
/// network or a file; what it remembers is which of a sensor gateway's numbered observations
/// it took (`repeats`), so that a broker's repeat is not taken twice.
///
/// The node that heard a device — an ESPresense room, a gateway's name, a Footfall sensor — is
/// the store sensor `sensors` maps it to; without an entry, a node named like one of
/// `storeSensors` is that sensor. With `storeSensors` nil (converting a recording without a
/// store) every node is a sensor of its own name.
public struct MQTTObservationDecoder: Sendable {
    public var format: MQTTFormat
    public var sensors: [String: SensorID]
    public var storeSensors: Set<SensorID>?
    /// Which of each sensor gateway's observations were taken (`format: footfall`).
    public let repeats: SensorBatchSequence

    public init(format: MQTTFormat, sensors: [String: SensorID] = [:], storeSensors: Set<SensorID>? = nil, repeats: SensorBatchSequence = SensorBatchSequence()) {
        self.repeats = repeats
        self.format = format
        self.sensors = sensors
        self.storeSensors = storeSensors
    }

    /// The observations in `payload`, published to `topic` and received at `time`.
    public func decode(topic: String, payload: [UInt8], time: Double) throws(MQTTInputError) -> [Observation] {
        switch format {
        case .espresense: return [try espresense(topic: topic, payload: payload, time: time)]
        case .openmqttgateway: return [try openMQTTGateway(topic: topic, payload: payload, time: time)]
        case .footfall: return try footfall(topic: topic, payload: payload, time: time)
        }
    }

    /// The topic as counted and logged: the level naming a device replaced by `+`. On a topic
    /// the format does not publish (a wider `topic:` than the default), any level that could
    /// name a device — an address, or an id with a kind such as `apple:…` — is `+` too.
    public func shownTopic(_ topic: String) -> String {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        switch format {
        case .espresense:
            if levels.count >= 4, levels[levels.count - 3] == "devices" {
                return (levels.dropLast(2).map(Self.shownLevel) + ["+", Self.shownLevel(levels[levels.count - 1])]).joined(separator: "/")
            }
        case .openmqttgateway:
            if let bt = levels.firstIndex(of: "BTtoMQTT"), bt + 1 < levels.count {
                return (levels[...bt].map(Self.shownLevel) + ["+"]).joined(separator: "/")
            }
        case .footfall:
            break
        }
        return levels.map(Self.shownLevel).joined(separator: "/")
    }

    static func shownLevel(_ level: Substring) -> Substring {
        // Any form an address is written in (`dead.beef.0043`, `DE_AD_…`) is one too; a level
        // longer than any node's name is cut, so that one topic cannot make a metric label or
        // a log line of any length.
        if address(level) != nil || level.contains(":") || AddressRedaction.redacted(String(level)) != level { return "+" }
        return cut(level)
    }

    /// The longest topic level shown whole (characters).
    static let longestShownLevel = 64

    /// `level` as shown: cut to `longestShownLevel` characters.
    static func cut(_ level: Substring) -> Substring {
        level.count > longestShownLevel ? level.prefix(longestShownLevel) + "…" : level
    }

    func sensor(forNode node: Substring, topic: String, field: String?) throws(MQTTInputError) -> SensorID {
        let name = String(node)
        if let mapped = sensors[name] { return mapped }
        let shown = Self.cut(node)
        let sensor = SensorID(name)
        guard let storeSensors else { return sensor }
        guard storeSensors.contains(sensor) else {
            let known = storeSensors.map(\.rawValue).sorted().joined(separator: ", ")
            throw MQTTInputError(
                topic: shownTopic(topic), reason: .unmappedNode, field: field,
                "node '\(shown)' is not a sensor of the store; map it under the source's `sensors:` (\(shown): one of \(known))")
        }
        return sensor
    }

    func object(_ payload: [UInt8], topic: String) throws(MQTTInputError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(payload)
        } catch {
            throw MQTTInputError(topic: shownTopic(topic), reason: .notJSON, "the payload is not JSON (byte \(error.offset): \(error.message)); check the node's MQTT format setting")
        }
        guard case .object = value else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .notJSON, "the payload is JSON but not an object; expected one report as {…}")
        }
        return value
    }

    /// `report`'s `rssi`, checked; `field` names it in an error (`observations[3].rssi`), and is
    /// made only for one: a batch's readings are checked by the thousand a second.
    func rssi(_ report: JSONValue, field: @autoclosure () -> String = "rssi", topic: String) throws(MQTTInputError) -> Double {
        try rssi(value: report["rssi"], field: field(), topic: topic)
    }

    /// A report's `rssi` member (nil: absent), checked.
    func rssi(value: JSONValue?, field: @autoclosure () -> String = "rssi", topic: String) throws(MQTTInputError) -> Double {
        guard let rssi = value?.number else {
            throw MQTTInputError(topic: shownTopic(topic), reason: .missingField, field: field(), "no number; every report needs the RSSI in dBm")
        }
        if let problem = Observation.rssiProblem(rssi) {
            throw MQTTInputError(topic: shownTopic(topic), reason: .rssiOutOfRange, field: field(), problem)
        }
        return rssi
    }

    /// A Bluetooth address a node heard: stable (`ble:`) when the node said it is public
    /// (OpenMQTTGateway's `mac_type` 0, ESPresense's `idType` 55) or its top bits say static
    /// random; anything else is taken as rotating (`ble-rpa:`), so it is counted, never
    /// profiled, and a resolvable private address made from a registered identity key becomes
    /// `irk:<name>` in the pipeline (`DeviceID.relayedBluetooth`).
    static func device(address: BluetoothAddress, isPublic: Bool = false) -> DeviceID {
        DeviceID.relayedBluetooth(address: address.description, isPublic: isPublic)
    }

    /// A beacon's 128-bit UUID, dashed (`f7826da6-4fa2-4e98-8024-bc5b71e0893e`) or as 32 digits
    /// (Theengs' decoder writes it so), in its dashed lower-case form; nil for anything else.
    static func beaconUUID(_ text: some StringProtocol) -> String? {
        let digits = text.utf8.filter { $0 != UInt8(ascii: "-") }
        guard digits.count == 32, digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }) else { return nil }
        if text.utf8.count != 32 {
            // Dashed: only where a UUID has its dashes.
            guard text.split(separator: "-", omittingEmptySubsequences: false).map(\.count) == [8, 4, 4, 4, 12] else { return nil }
        }
        let hex = String(decoding: digits, as: UTF8.self).lowercased()
        var dashed = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { dashed.append("-") }
            dashed.append(character)
        }
        return dashed
    }

    /// `AA:BB:CC:DD:EE:FF`, `aa-bb-…` or twelve hex digits.
    static func address(_ text: some StringProtocol) -> BluetoothAddress? {
        // Hex digits and separators only (every address a node sends): read byte by byte.
        var value: UInt64 = 0, count = 0
        for byte in text.utf8 where byte != UInt8(ascii: ":") && byte != UInt8(ascii: "-") {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return parsedAddress(text)
            }
            count += 1
            value = value << 4 | UInt64(digit)
        }
        return count == 12 ? BluetoothAddress(rawValue: value) : nil
    }

    /// `address` for text that is not all hex digits and separators.
    private static func parsedAddress(_ text: some StringProtocol) -> BluetoothAddress? {
        let digits = String(text.filter { $0 != ":" && $0 != "-" })
        guard digits.count == 12, let value = UInt64(digits, radix: 16) else { return nil }
        return BluetoothAddress(rawValue: value)
    }
}
