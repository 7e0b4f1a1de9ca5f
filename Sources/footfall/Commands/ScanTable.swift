import BLE
import FootfallCore
import Foundation

/// What `scan` has heard, one row per device id.
final class ScanTable: @unchecked Sendable {
    struct Row {
        var address: String
        var addressType: String
        var rssi: Double
        var txPower: Int?
        var count = 0
        var first: Double
        var last: Double
    }

    private let lock = NSLock()
    private var rows: [DeviceID: Row] = [:]

    static func addressType(_ report: LEAdvertisingReport) -> String {
        guard report.addressType == .randomDevice else { return report.addressType.description }
        switch report.address.randomSubtype {
        case .staticRandom: return "random-static"
        case .resolvablePrivate: return "random-resolvable"
        case .nonResolvablePrivate: return "random-nonresolvable"
        case .reserved: return "random"
        }
    }

    func add(_ observation: Observation, _ report: LEAdvertisingReport) {
        lock.withLock {
            var row = rows[observation.device] ?? Row(
                address: report.address.description, addressType: Self.addressType(report),
                rssi: observation.rssi, first: observation.time, last: observation.time
            )
            row.address = report.address.description
            row.addressType = Self.addressType(report)
            row.rssi = observation.rssi
            row.txPower = observation.txPower ?? row.txPower
            row.count += 1
            row.last = observation.time
            rows[observation.device] = row
        }
    }

    /// Devices by RSSI, strongest first. Advertisements per second over the time each was heard.
    func render() -> String {
        let rows = lock.withLock { self.rows }
        var lines = [Self.format(["DEVICE", "ADDRESS", "ADDRESS TYPE", "RSSI", "TX", "ADV/S"])]
        for (device, row) in rows.sorted(by: { $0.value.rssi > $1.value.rssi || ($0.value.rssi == $1.value.rssi && $0.key < $1.key) }) {
            // Over at least a second, so two reports a millisecond apart do not read as 2000/s.
            let rate = Double(row.count) / max(row.last - row.first, 1)
            lines.append(Self.format([
                device.rawValue, row.address, row.addressType, String(Int(row.rssi)),
                row.txPower.map(String.init) ?? "-", String(format: "%.1f", rate),
            ]))
        }
        lines.append("\(rows.count) devices, \(rows.values.reduce(0) { $0 + $1.count }) advertisements")
        return lines.joined(separator: "\n")
    }

    static let widths = [58, 17, 20, 5, 4, 6]

    static func format(_ cells: [String]) -> String {
        zip(cells, widths).map { cell, width in cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count) }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    static func jsonLine(_ observation: Observation, _ report: LEAdvertisingReport) -> String {
        var fields = [
            "\"time\":\(observation.time)",
            "\"sensor\":\(quoted(observation.sensor.rawValue))",
            "\"device\":\(quoted(observation.device.rawValue))",
            "\"rssi\":\(Int(observation.rssi))",
        ]
        if let tx = observation.txPower { fields.append("\"tx_power\":\(tx)") }
        fields.append("\"address\":\(quoted(report.address.description))")
        fields.append("\"address_type\":\(quoted(addressType(report)))")
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
