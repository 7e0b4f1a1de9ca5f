import Foundation

/// The oracle CSV of the Fryza capture (`;`-separated, one row per packet, see
/// shared/datasets/README.md), read by column name.
struct FryzaOracle {
    struct Row {
        var index: Int
        var source: String
        var destination: String
        var randomized: Bool
        var rssi: Int
        var sequenceNumber: Int
        var megahertz: Int
        var ssid: String
        var elementIDs: [Int]
        var occupancy: Double?
    }

    var rows: [Row] = []

    init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = Self.fields(lines.removeFirst())
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let idx = column("idx"), src = column("src"), dst = column("dst"), randomized = column("randomized")
        let rssi = column("rssi"), seq = column("seq_num"), freq = column("ch_freq"), ssid = column("ssid")
        let elements = column("dot11elt"), occupancy = column("occupancy")
        for line in lines {
            let f = Self.fields(line)
            let ids = f[elements].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            rows.append(Row(
                index: Self.integer(f[idx]), source: f[src].lowercased(), destination: f[dst].lowercased(),
                randomized: ["1", "1.0", "true", "True"].contains(f[randomized]),
                rssi: Self.integer(f[rssi]), sequenceNumber: Self.integer(f[seq]), megahertz: Self.integer(f[freq]),
                ssid: f[ssid], elementIDs: ids, occupancy: Double(f[occupancy])
            ))
        }
    }

    /// Whole numbers as pandas may print them (`1237` or `1237.0`); −1 for an empty cell.
    static func integer(_ text: String) -> Int {
        Double(text.trimmingCharacters(in: .whitespaces)).map { Int($0) } ?? -1
    }

    /// Splits on `;` outside double quotes.
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() }
            else if character == ";" && !quoted { fields.append(current); current = "" }
            else { current.append(character) }
        }
        fields.append(current)
        return fields
    }
}
