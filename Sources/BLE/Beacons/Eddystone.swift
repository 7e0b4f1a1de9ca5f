import FootfallCore
import NIOCore

/// Eddystone frames: service data for UUID 0xFEAA whose first byte is the frame type.
public enum Eddystone: Sendable, Hashable {
    /// Frame 0x00: 10-byte namespace, 6-byte instance.
    case uid(txPowerAt0m: Int8, namespace: UInt128, instance: UInt64)
    /// Frame 0x10: a compressed URL.
    case url(txPowerAt0m: Int8, url: String)
    /// Frame 0x20: telemetry.
    case tlm(EddystoneTelemetry)
    /// Frame 0x30: an ephemeral id that rotates; no stable identity.
    case eid(txPowerAt0m: Int8, eid: UInt64)

    public static let serviceUUID: UInt16 = 0xFEAA

    /// From the value of a 16-bit service data AD structure (UUID first). Nil when it is not
    /// Eddystone; throws when it is, but the frame is too short.
    public init?(serviceData value: ByteBuffer) throws(HCIDecodingError) {
        let bytes = value.readableBytesView
        guard bytes.count >= 3, bytes.bigEndian(at: 0, as: UInt16.self) == 0xAAFE else { return nil }
        let frame = bytes.bigEndian(at: 2, as: UInt8.self)
        func require(_ count: Int, _ name: String) throws(HCIDecodingError) {
            try HCIDecodingError.require(count, available: bytes.count, at: 2, in: "Eddystone \(name)", field: "frame")
        }
        switch frame {
        case 0x00:
            // Frame type, TX power, namespace (10), instance (6), RFU (2, often omitted).
            try require(20, "UID")
            let namespace: UInt128 = UInt128(bytes.bigEndian(at: 4, as: UInt64.self)) << 16 | UInt128(bytes.bigEndian(at: 12, as: UInt16.self))
            let instance = UInt64(bytes.bigEndian(at: 14, as: UInt32.self)) << 16 | UInt64(bytes.bigEndian(at: 18, as: UInt16.self))
            self = .uid(txPowerAt0m: Int8(bitPattern: bytes.bigEndian(at: 3)), namespace: namespace, instance: instance)
        case 0x10:
            try require(5, "URL")
            let raw = Array(bytes.dropFirst(4))
            self = .url(txPowerAt0m: Int8(bitPattern: bytes.bigEndian(at: 3)), url: try Self.decodeURL(raw))
        case 0x20:
            try require(16, "TLM")
            self = .tlm(EddystoneTelemetry(
                version: bytes.bigEndian(at: 3),
                batteryMillivolts: bytes.bigEndian(at: 4),
                temperatureRaw: bytes.bigEndian(at: 6),
                advertisementCount: bytes.bigEndian(at: 8),
                deciseconds: bytes.bigEndian(at: 12)
            ))
        case 0x30:
            try require(12, "EID")
            self = .eid(txPowerAt0m: Int8(bitPattern: bytes.bigEndian(at: 3)), eid: bytes.bigEndian(at: 4))
        default:
            return nil
        }
    }

    public var deviceID: DeviceID? {
        guard case .uid(_, let namespace, let instance) = self else { return nil }
        return DeviceID("eddystone:\(BluetoothUUID.hex128(namespace, digits: 20)):\(BluetoothUUID.hex(instance, digits: 12))")
    }

    /// Eddystone calibrates at 0 m; 41 dB is the specification's loss over the first metre.
    public var txPowerAt1m: Int? {
        switch self {
        case .uid(let power, _, _), .url(let power, _), .eid(let power, _): Int(power) - 41
        case .tlm: nil
        }
    }

    static let schemes = ["http://www.", "https://www.", "http://", "https://"]
    static let expansions = [".com/", ".org/", ".edu/", ".net/", ".info/", ".biz/", ".gov/",
                             ".com", ".org", ".edu", ".net", ".info", ".biz", ".gov"]

    static func decodeURL(_ raw: [UInt8]) throws(HCIDecodingError) -> String {
        guard let scheme = raw.first, Int(scheme) < schemes.count else {
            throw HCIDecodingError(context: "Eddystone URL", message: "unknown URL scheme prefix 0x\(String(raw.first ?? 0, radix: 16))", offset: 4)
        }
        var url = schemes[Int(scheme)]
        for byte in raw.dropFirst() {
            if Int(byte) < expansions.count {
                url += expansions[Int(byte)]
            } else if (0x21...0x7E).contains(byte) {
                url.append(Character(Unicode.Scalar(byte)))
            } else {
                throw HCIDecodingError(context: "Eddystone URL", message: "byte 0x\(String(byte, radix: 16)) is not a URL character", offset: 4)
            }
        }
        return url
    }
}
