/// Hardware addresses taken out of text that may leave the gateway: an error quoting a refused
/// value reaches the log, `footfall status`, `/api/status` or an API answer, and the value may
/// be a phone's Bluetooth or Wi-Fi address (a trace line with its columns swapped, an MQTT
/// payload with an address where a name goes). The file, line, column or field the error names
/// still says where to look.
public enum AddressRedaction {
    /// What an address is replaced by.
    public static let mask = "<address>"

    /// `text` with every address in it replaced by `mask`: six pairs of hex digits joined by
    /// `:`, `-` or `_` (either case, as Bluetooth and Wi-Fi addresses are written; more pairs, as
    /// in an EUI-64, masked with them), three groups of four joined by `.` (Cisco) or by `-`
    /// (HPE, Huawei; not inside a longer run of dashed groups, such as a UUID), or twelve hex digits
    /// in a row (as ESPresense and OpenMQTTGateway write them, or after `0x`), none part of a
    /// longer run of letters and digits. Twelve decimal digits with a fraction are a number.
    public static func redacted(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0, copied = 0
        while i < bytes.count {
            if startsAWord(bytes, at: i), let length = addressLength(bytes, at: i) {
                if out.isEmpty { out.reserveCapacity(bytes.count) }
                out += bytes[copied..<i]
                out += mask.utf8
                i += length
                copied = i
            } else {
                i += 1
            }
        }
        guard copied > 0 else { return text }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `index` begins a run of letters and digits, or follows a `0x`.
    private static func startsAWord(_ bytes: [UInt8], at index: Int) -> Bool {
        if index == 0 || !isAlphanumeric(bytes[index - 1]) { return true }
        let hexPrefix = bytes[index - 1] == UInt8(ascii: "x") || bytes[index - 1] == UInt8(ascii: "X")
        return hexPrefix && index >= 2 && bytes[index - 2] == UInt8(ascii: "0") && (index == 2 || !isAlphanumeric(bytes[index - 3]))
    }

    /// The length of the address starting at `start`, nil when none does.
    private static func addressLength(_ bytes: [UInt8], at start: Int) -> Int? {
        func hex(_ index: Int) -> Bool { index < bytes.count && isHex(bytes[index]) }
        func ends(_ index: Int) -> Bool { index >= bytes.count || !isAlphanumeric(bytes[index]) }
        guard hex(start), hex(start + 1) else { return nil }
        if start + 2 < bytes.count, [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "_")].contains(bytes[start + 2]) {
            let separator = bytes[start + 2]
            for pair in 1..<6 {
                let at = start + 3 * pair
                guard at - 1 < bytes.count, bytes[at - 1] == separator, hex(at), hex(at + 1) else { return nil }
            }
            // Longer runs of pairs (an EUI-64) are masked whole.
            var end = start + 17
            while end + 2 < bytes.count, bytes[end] == separator, hex(end + 1), hex(end + 2) { end += 3 }
            return ends(end) ? end - start : nil
        }
        // Three groups of four joined by dots, as Cisco writes them, or by dashes.
        if start + 4 < bytes.count, bytes[start + 4] == UInt8(ascii: ".") || bytes[start + 4] == UInt8(ascii: "-") {
            let separator = bytes[start + 4]
            guard (start..<(start + 14)).allSatisfy({ ($0 - start) % 5 == 4 ? $0 < bytes.count && bytes[$0] == separator : hex($0) }),
                  ends(start + 14) else { return nil }
            if separator == UInt8(ascii: "-") {
                // A part of a UUID (8-4-4-4-12) is not an address.
                let dash = UInt8(ascii: "-")
                guard start == 0 || bytes[start - 1] != dash, start + 14 >= bytes.count || bytes[start + 14] != dash else { return nil }
            }
            return 14
        }
        for index in start..<(start + 12) where !hex(index) { return nil }
        guard ends(start + 12) else { return nil }
        // The last group of a UUID (8-4-4-4-12: a beacon's id, not an address).
        let dash = UInt8(ascii: "-")
        if start >= 6, bytes[start - 1] == dash, bytes[start - 6] == dash, ((start - 5)..<(start - 1)).allSatisfy(hex) { return nil }
        // Twelve decimal digits with a fraction are a number (a time in hundredths), not an address.
        let decimal = (start..<(start + 12)).allSatisfy { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
        if decimal, start + 13 < bytes.count, bytes[start + 12] == UInt8(ascii: "."), bytes[start + 13] >= UInt8(ascii: "0"), bytes[start + 13] <= UInt8(ascii: "9") {
            return nil
        }
        return 12
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: false
        }
    }
}
