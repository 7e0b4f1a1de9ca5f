/// The identity map (`identity.identity_map`): `device,customer_id` lines turning consented
/// device identities into the profile store's customer ids.
public enum IdentityMapCodec {
    public static func read(path: String) throws -> [DeviceID: String] {
        try read(ByteLineReader(path: path))
    }

    public static func read(text: String, name: String = "<identity map>") throws -> [DeviceID: String] {
        try read(ByteLineReader(bytes: Array(text.utf8), name: name))
    }

    static func read(_ lines: ByteLineReader) throws -> [DeviceID: String] {
        var row = DelimitedRow()
        guard let header = lines.nextLine() else {
            throw FormatError(file: lines.name, line: 1, message: "is empty; it starts with the header `device,customer_id`")
        }
        _ = row.split(header)
        let columns = try ColumnLayout(header: row, file: lines.name, line: 1, required: ["device", "customer_id"], optional: [], example: "device,customer_id")
        var map: [DeviceID: String] = [:]
        while let line = lines.nextLine() {
            if line.isEmpty { continue }
            guard row.split(line), row.count == columns.names.count else {
                throw FormatError(file: lines.name, line: lines.lineNumber, message: "expected `device,customer_id`")
            }
            let device = DeviceID(row.string(columns["device"]!))
            let customer = row.string(columns["customer_id"]!)
            guard !device.rawValue.isEmpty, !customer.isEmpty else {
                throw FormatError(file: lines.name, line: lines.lineNumber, message: "device and customer_id must both be given")
            }
            if map[device] != nil {
                throw FormatError(file: lines.name, line: lines.lineNumber, column: 1, field: "device", message: "'\(device)' is mapped twice; keep one line")
            }
            map[device] = customer
        }
        return map
    }
}
